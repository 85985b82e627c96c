package io.sagaway.readmodel;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.eventstore.EventStore;
import io.sagaway.infra.InfraClients;
import io.sagaway.messaging.Addresses;
import io.sagaway.order.command.CommandErrors;
import io.sagaway.order.store.OrderRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Serves {@link Addresses#READ_MODEL_COMMANDS}: {@code Rebuild} starts a zero-downtime rebuild
 * and answers at once (it runs in the background; a second one while it runs is a CONFLICT), and
 * {@code RebuildStatus} answers the progress of the latest rebuild of each alias: done/total, rate
 * and estimated time left.
 */
public final class ReadModelVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(ReadModelVerticle.class);

    public record Settings(String indexPrefix, String postgresUri, String schema, String elasticsearchUrl, String orderEventsTopic,
                           Duration settle) {
    }

    private final Settings settings;
    private Pool pool;
    private InfraClients.Elasticsearch elasticsearch;
    private ReadModelIndices indices;
    private ReadModelRebuild rebuild;
    private MessageConsumer<JsonObject> consumer;
    private Future<Void> running = Future.succeededFuture();

    public ReadModelVerticle(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Future<?> start() {
        pool = InfraClients.postgres(vertx, settings.postgresUri(), settings.schema(), 2);
        elasticsearch = InfraClients.elasticsearch(settings.elasticsearchUrl());
        var context = vertx.getOrCreateContext();
        indices = new ReadModelIndices(elasticsearch.client(), context, settings.indexPrefix());
        OrderProjector projector = new OrderProjector(elasticsearch.client(), context,
            new OrderRepository(pool, new EventStore(), settings.orderEventsTopic(), Integer.MAX_VALUE),
            () -> Future.failedFuture("the rebuild writes to one index at a time"), vertx.eventBus());
        rebuild = new ReadModelRebuild(vertx, pool, indices, projector, elasticsearch.client(), context, settings.settle());
        consumer = vertx.eventBus().consumer(Addresses.READ_MODEL_COMMANDS, message -> CommandErrors.reply(message, serve(message.body())));
        return consumer.completion();
    }

    private Future<JsonObject> serve(JsonObject request) {
        return switch (String.valueOf(request.getString("action"))) {
            case "Rebuild" -> startRebuild();
            case "RebuildStatus" -> status();
            default -> Future.failedFuture(new CommandFailure(ErrorCode.BAD_USER_INPUT, "unknown read-model action", "action"));
        };
    }

    private Future<JsonObject> startRebuild() {
        if (!running.isComplete()) {
            return Future.failedFuture(new CommandFailure(ErrorCode.CONFLICT, "a rebuild is already running"));
        }
        running = rebuild.run().onFailure(e -> LOG.error("read model rebuild failed: {}", e.toString()));
        return vertx.timer(200).compose(t -> status());
    }

    /** The latest rebuild record of each alias, newest first. */
    private Future<JsonObject> status() {
        List<String> aliases = List.of(indices.alias(ReadModelIndices.Kind.ORDERS), indices.alias(ReadModelIndices.Kind.SAGAS));
        return Future.all(aliases.stream().map(alias -> pool.preparedQuery(
                    "SELECT id FROM read_model_rebuilds WHERE alias = $1 ORDER BY started_at DESC LIMIT 1")
                .execute(Tuple.of(alias))
                .compose(rows -> rows.size() == 0 ? Future.succeededFuture(Optional.<JsonObject>empty())
                    : RebuildStore.get(pool, rows.iterator().next().getUUID(0)))).toList())
            .map(all -> {
                JsonArray parts = new JsonArray();
                long done = 0;
                long total = 0;
                double rate = 0;
                boolean anyRunning = false;
                String failure = running.failed() ? running.cause().getMessage() : null;
                for (int i = 0; i < all.size(); i++) {
                    Optional<JsonObject> part = all.resultAt(i);
                    if (part.isPresent()) {
                        parts.add(part.get());
                        done += part.get().getLong("done");
                        total += part.get().getLong("total");
                        rate = Math.max(rate, part.get().getDouble("ratePerSecond"));
                        anyRunning |= "RUNNING".equals(part.get().getString("status"));
                        if (failure == null && "FAILED".equals(part.get().getString("status"))) {
                            failure = part.get().getString("error");
                        }
                    }
                }
                return new JsonObject().put("running", anyRunning || !running.isComplete()).put("done", done).put("total", total)
                    .put("ratePerSecond", rate).put("etaSeconds", rate > 0 && total > done ? (total - done) / rate : 0.0)
                    .put("failed", failure)
                    .put("parts", parts);
            });
    }

    @Override
    public Future<?> stop() {
        return consumer.unregister().eventually(() -> {
            try {
                elasticsearch.close();
            } catch (Exception e) {
                return Future.failedFuture(e);
            }
            return pool.close();
        });
    }
}
