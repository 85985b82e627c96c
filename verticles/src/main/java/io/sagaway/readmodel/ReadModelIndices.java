package io.sagaway.readmodel;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import io.sagaway.infra.InfraClients;
import io.vertx.core.Context;
import io.vertx.core.Future;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The read model's indices: each kind is read through an alias ({@code orders}, {@code sagas})
 * pointing at one versioned index ({@code orders_v1}...), so a rebuilt index can replace it in one
 * atomic alias swap. Mappings are explicit and strict, from {@code readmodel/<kind>.json}.
 */
public final class ReadModelIndices {

    /** The kinds of documents. */
    public enum Kind {
        ORDERS("orders"),
        SAGAS("sagas");

        private final String base;

        Kind(String base) {
            this.base = base;
        }

        String mapping() {
            try (InputStream in = ReadModelIndices.class.getClassLoader().getResourceAsStream("readmodel/" + base + ".json")) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final ElasticsearchAsyncClient es;
    private final Context context;
    private final String prefix;

    /** @param prefix prepended to every alias and index name (lower case), so installations and tests can share a cluster */
    public ReadModelIndices(ElasticsearchAsyncClient es, Context context, String prefix) {
        this.es = es;
        this.context = context;
        this.prefix = prefix == null ? "" : prefix.toLowerCase(Locale.ROOT);
    }

    public String alias(Kind kind) {
        return prefix + kind.base;
    }

    public String index(Kind kind, int version) {
        return alias(kind) + "_v" + version;
    }

    /** Makes sure the alias exists, creating its first index when it does not; answers the index it points at. */
    public Future<String> ensure(Kind kind) {
        return indicesOf(kind).compose(indices -> indices.isEmpty()
            ? create(kind, index(kind, 1), true).map(index(kind, 1))
            : Future.succeededFuture(indices.get(0)));
    }

    /** Creates an index of {@code kind} with its strict mapping, optionally as the alias's target. */
    public Future<Void> create(Kind kind, String index, boolean withAlias) {
        return InfraClients.onContext(context, () -> es.indices().create(c -> {
                c.index(index).withJson(new StringReader(kind.mapping()));
                if (withAlias) {
                    c.aliases(alias(kind), a -> a);
                }
                return c;
            }))
            .<Void>mapEmpty()
            .recover(e -> alreadyExists(e) ? Future.succeededFuture() : Future.failedFuture(e));
    }

    /** The indices the alias points at (one, outside a swap). */
    public Future<List<String>> indicesOf(Kind kind) {
        return InfraClients.onContext(context, () -> es.indices().getAlias(g -> g.name(alias(kind)).allowNoIndices(true)
                .ignoreUnavailable(true)))
            .map(response -> (List<String>) new ArrayList<>(response.aliases().keySet()))
            .recover(e -> notFound(e) ? Future.succeededFuture(List.of()) : Future.failedFuture(e));
    }

    /** Points the alias at {@code to} instead of {@code from}, in one atomic step. */
    public Future<Void> swap(Kind kind, String from, String to) {
        return InfraClients.onContext(context, () -> es.indices().updateAliases(u -> u
                .actions(a -> a.remove(r -> r.index(from).alias(alias(kind))))
                .actions(a -> a.add(r -> r.index(to).alias(alias(kind))))))
            .mapEmpty();
    }

    public Future<Void> delete(String index) {
        return InfraClients.onContext(context, () -> es.indices().delete(d -> d.index(index).ignoreUnavailable(true))).mapEmpty();
    }

    public Future<Void> refresh(Kind kind) {
        return InfraClients.onContext(context, () -> es.indices().refresh(r -> r.index(alias(kind)))).mapEmpty();
    }

    private static boolean alreadyExists(Throwable e) {
        return e instanceof ElasticsearchException es && "resource_already_exists_exception".equals(es.error().type());
    }

    private static boolean notFound(Throwable e) {
        return e instanceof ElasticsearchException es && es.status() == 404;
    }
}
