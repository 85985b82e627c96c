package io.sagaway.readmodel;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import io.sagaway.messaging.Addresses;
import io.sagaway.messaging.Envelope;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Projects SagaUpdated events (each carries the whole saga) into the {@code sagas} index: the
 * newest version in a batch wins, and external versioning refuses anything older than the stored
 * document.
 */
public final class SagaProjector {

    public static final String SAGA_UPDATED = "SagaUpdated";

    private final ElasticsearchAsyncClient es;
    private final Context context;
    private final Supplier<Future<List<String>>> targets;
    private final EventBus bus;

    public SagaProjector(ElasticsearchAsyncClient es, Context context, Supplier<Future<List<String>>> targets, EventBus bus) {
        this.es = es;
        this.context = context;
        this.targets = targets;
        this.bus = bus;
    }

    /** Projects a batch into every target index; answers the events whose documents Elasticsearch refused for good. */
    public Future<List<ProjectionConsumer.SetAside>> project(List<Envelope> batch) {
        Map<String, Envelope> newest = new LinkedHashMap<>();
        for (Envelope e : batch) {
            if (SAGA_UPDATED.equals(e.type())) {
                newest.merge(e.payload().getString("sagaId"), e, (a, b) -> b.version() > a.version() ? b : a);
            }
        }
        if (newest.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        Instant now = Instant.now();
        List<Bulk.VersionedDocument> docs = new ArrayList<>();
        Map<String, String> refused = new LinkedHashMap<>();
        newest.forEach((sagaId, e) -> {
            try {
                docs.add(new Bulk.VersionedDocument(sagaId, e.version(), toDocument(e.payload(), e.occurredAt(), now)));
            } catch (RuntimeException bad) {
                refused.put(sagaId, "the saga cannot become a document: " + bad);
            }
        });
        return targets.get()
            .compose(indices -> Future.all(indices.stream().map(index -> Bulk.index(es, context, index, docs)).toList()))
            .map(all -> {
                all.<Bulk.Written>list().forEach(written -> refused.putAll(written.refused()));
                List<ProjectionConsumer.SetAside> setAside = new ArrayList<>();
                newest.forEach((sagaId, e) -> {
                    if (refused.containsKey(sagaId)) {
                        setAside.add(new ProjectionConsumer.SetAside(e, refused.get(sagaId)));
                        return;
                    }
                    long lag = System.currentTimeMillis() - e.occurredAt().toEpochMilli();
                    ProjectionMetrics.get().record(lag);
                    bus.publish(Addresses.PROJECTION_UPDATES, new JsonObject().put("kind", "saga").put("id", sagaId)
                        .put("orderId", e.aggregateId()).put("version", e.version()).put("lagMs", lag));
                });
                return setAside;
            });
    }

    /** A saga as the {@code sagas} index holds it. */
    public static JsonObject toDocument(JsonObject saga, Instant committedAt, Instant projectedAt) {
        JsonArray steps = new JsonArray();
        saga.getJsonArray("steps", new JsonArray()).forEach(o -> {
            JsonObject s = (JsonObject) o;
            steps.add(new JsonObject().put("name", s.getString("name")).put("status", s.getString("status"))
                .put("attempts", s.getInteger("attempts")).put("startedAt", s.getString("startedAt"))
                .put("finishedAt", s.getString("finishedAt")).put("error", s.getString("error")));
        });
        JsonObject order = saga.getJsonObject("order", new JsonObject());
        return new JsonObject()
            .put("id", saga.getString("sagaId"))
            .put("orderId", saga.getString("orderId"))
            .put("customerId", order.getString("customerId"))
            .put("status", saga.getString("status"))
            .put("currentStep", saga.getString("currentStep"))
            .put("failedStep", saga.getString("failedStep"))
            .put("failureReason", saga.getString("failureReason"))
            .put("cancelRequested", saga.getBoolean("cancelRequested", false))
            .put("flagged", saga.getBoolean("flagged", false))
            .put("flagReason", saga.getString("flagReason"))
            .put("steps", steps)
            .put("timeline", new JsonObject().put("entries", saga.getJsonArray("timeline", new JsonArray())))
            .put("version", saga.getInteger("version"))
            .put("startedAt", saga.getString("startedAt"))
            .put("updatedAt", saga.getString("updatedAt"))
            .put("finishedAt", saga.getString("finishedAt"))
            .put("committedAt", committedAt.toString())
            .put("projectedAt", projectedAt.toString());
    }
}
