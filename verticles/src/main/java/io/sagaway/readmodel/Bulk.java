package io.sagaway.readmodel;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch._types.VersionType;
import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.bulk.BulkResponseItem;
import io.sagaway.infra.InfraClients;
import io.sagaway.messaging.JsonCodec;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Version-guarded bulk writes and realtime multi-gets of read-model documents. */
final class Bulk {

    /** A document to index at a version: Elasticsearch keeps it only if newer than what it holds. */
    record VersionedDocument(String id, long version, JsonObject source) {
    }

    /**
     * What a bulk write did not store: {@code stale}, the ids the index holds a newer version of;
     * {@code refused}, the ids Elasticsearch refused for good (a document it cannot take, such as
     * a term too long to index), each with its reason. Everything else was stored.
     */
    record Written(Set<String> stale, Map<String, String> refused) {
        static final Written ALL = new Written(Set.of(), Map.of());

        /**
         * Updates a projector's memory of what {@code index} holds: the {@code written} states it
         * stored are remembered; those it did not store (the index holds a newer version, say a
         * rebuild's replay, or refused the document) are forgotten, so their next events start
         * from the document.
         */
        <V> void remember(String index, Map<String, V> written, Map<String, V> recent) {
            written.forEach((id, state) -> {
                if (stale.contains(id) || refused.containsKey(id)) {
                    recent.remove(key(index, id));
                } else {
                    recent.put(key(index, id), state);
                }
            });
        }
    }

    /** The key of a document in a projector's memory of several indices. */
    static String key(String index, String id) {
        return index + '/' + id;
    }

    private Bulk() {
    }

    /**
     * Indexes with external versioning: a document older than (or as old as) the stored one is
     * refused with 409, which is the point (a duplicate or out-of-order delivery never takes a
     * document back) and not an error. A document refused for good (another 4xx) is answered as
     * such, so one bad document cannot hold up the rest. A failure that may pass (429, 5xx, no
     * answer) fails the whole call, to be retried.
     */
    static Future<Written> index(ElasticsearchAsyncClient es, Context context, String index, List<VersionedDocument> docs) {
        if (docs.isEmpty()) {
            return Future.succeededFuture(Written.ALL);
        }
        BulkRequest.Builder request = new BulkRequest.Builder();
        for (VersionedDocument doc : docs) {
            Map<String, Object> source = JsonCodec.plain(doc.source());
            request.operations(op -> op.index(i -> i.index(index).id(doc.id()).version(doc.version())
                .versionType(VersionType.External).document(source)));
        }
        BulkRequest built = request.build();
        return InfraClients.onContext(context, () -> es.bulk(built)).compose(response -> {
            if (!response.errors()) {
                return Future.succeededFuture(Written.ALL);
            }
            Optional<BulkResponseItem> passing = response.items().stream()
                .filter(item -> item.error() != null && (item.status() == 429 || item.status() >= 500))
                .findFirst();
            if (passing.isPresent()) {
                return Future.failedFuture(new IllegalStateException("Elasticsearch could not store document " + passing.get().id()
                    + " of " + index + " now: " + passing.get().error().type() + " " + passing.get().error().reason()));
            }
            Set<String> stale = new HashSet<>();
            Map<String, String> refused = new HashMap<>();
            response.items().forEach(item -> {
                if (item.status() == 409) {
                    stale.add(item.id());
                } else if (item.error() != null) {
                    refused.put(item.id(), "Elasticsearch refused the document for " + index + ": " + item.error().type() + " "
                        + item.error().reason());
                }
            });
            return Future.succeededFuture(new Written(stale, refused));
        });
    }

    /** The current documents by id (realtime: includes writes not yet refreshed); absent ids are left out. */
    @SuppressWarnings({"rawtypes", "unchecked"})
    static Future<Map<String, JsonObject>> get(ElasticsearchAsyncClient es, Context context, String index, List<String> ids) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        return InfraClients.onContext(context, () -> es.mget(m -> m.index(index).ids(ids).realtime(true), Map.class))
            .map(response -> {
                Map<String, JsonObject> found = new HashMap<>();
                response.docs().forEach(item -> {
                    if (item.isResult() && item.result().found() && item.result().source() != null) {
                        found.put(item.result().id(), new JsonObject((Map<String, Object>) item.result().source()));
                    }
                });
                return found;
            });
    }
}
