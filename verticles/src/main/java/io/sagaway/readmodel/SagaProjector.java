package io.sagaway.readmodel;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import io.sagaway.infra.LruMap;
import io.sagaway.messaging.Addresses;
import io.sagaway.messaging.Envelope;
import io.sagaway.saga.SagaStore;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Projects SagaUpdated events into the {@code sagas} index. Each event carries the saga's state
 * and only the tail of its timeline that the change touched ({@link SagaDocuments#message}), so
 * the projector splices it into the timeline it last wrote (remembered for recent sagas, else
 * read back from the document). When an event does not build on what the index holds (one was
 * missed, or the index was made again), the saga is read whole from the write side. External
 * versioning refuses anything older than the stored document.
 */
public final class SagaProjector {

    public static final String SAGA_UPDATED = SagaDocuments.SAGA_UPDATED;
    /** Sagas whose last written timeline is remembered. */
    static final int RECENT_SAGAS = 20_000;

    /** A timeline as the index holds it at a saga version. */
    private record Known(long version, JsonArray timeline) {
    }

    private final ElasticsearchAsyncClient es;
    private final Context context;
    private final Supplier<Future<List<String>>> targets;
    private final EventBus bus;
    private final SqlClient writeSide;
    private final SagaStore sagas = new SagaStore();
    private final Map<String, Known> recent = new LruMap<>(RECENT_SAGAS);

    /**
     * @param writeSide where a saga is read whole when an event cannot be spliced onto what the index holds
     */
    public SagaProjector(ElasticsearchAsyncClient es, Context context, Supplier<Future<List<String>>> targets, EventBus bus,
                         SqlClient writeSide) {
        this.es = es;
        this.context = context;
        this.targets = targets;
        this.bus = bus;
        this.writeSide = writeSide;
    }

    /** Projects a batch into every target index; answers the events whose documents Elasticsearch refused for good. */
    public Future<List<ProjectionConsumer.SetAside>> project(List<Envelope> batch) {
        Map<String, List<Envelope>> bySaga = new LinkedHashMap<>();
        for (Envelope e : batch) {
            if (SAGA_UPDATED.equals(e.type())) {
                bySaga.computeIfAbsent(e.payload().getString("sagaId"), k -> new ArrayList<>()).add(e);
            }
        }
        if (bySaga.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        bySaga.values().forEach(events -> events.sort(Comparator.comparingLong(Envelope::version)));
        return targets.get()
            .compose(indices -> Future.all(indices.stream().map(index -> projectInto(index, bySaga)).toList()))
            .map(all -> {
                Map<String, String> refused = new LinkedHashMap<>();
                all.<Map<String, String>>list().forEach(refused::putAll);
                List<ProjectionConsumer.SetAside> setAside = new ArrayList<>();
                bySaga.forEach((sagaId, events) -> {
                    Envelope newest = events.get(events.size() - 1);
                    if (refused.containsKey(sagaId)) {
                        setAside.add(new ProjectionConsumer.SetAside(newest, refused.get(sagaId)));
                        return;
                    }
                    long lag = System.currentTimeMillis() - newest.occurredAt().toEpochMilli();
                    bus.publish(Addresses.PROJECTION_UPDATES, new JsonObject().put("kind", "saga").put("id", sagaId)
                        .put("orderId", newest.aggregateId()).put("version", newest.version()).put("lagMs", lag));
                });
                return setAside;
            });
    }

    /** Writes each saga's newest state with its whole timeline into {@code index}; answers the sagas refused for good. */
    private Future<Map<String, String>> projectInto(String index, Map<String, List<Envelope>> bySaga) {
        List<String> unknown = bySaga.keySet().stream().filter(id -> !recent.containsKey(Bulk.key(index, id))).toList();
        return Bulk.get(es, context, index, unknown).compose(documents -> {
            Map<String, Known> known = new HashMap<>();
            bySaga.keySet().forEach(id -> Optional.ofNullable(recent.get(Bulk.key(index, id))).ifPresent(k -> known.put(id, k)));
            documents.forEach((id, doc) -> known.put(id, new Known(doc.getLong("version"), SagaDocuments.timelineOf(doc))));
            Instant now = Instant.now();
            List<Bulk.VersionedDocument> docs = new ArrayList<>();
            List<Future<?>> fromWriteSide = new ArrayList<>();
            Map<String, Known> written = new HashMap<>();
            Map<String, String> unprojectable = new HashMap<>();
            bySaga.forEach((sagaId, events) -> {
                Known at = known.getOrDefault(sagaId, new Known(0, new JsonArray()));
                Envelope newest = null;
                for (Envelope e : events) {
                    if (e.version() <= at.version()) {
                        continue; // a duplicate, or older than what the index holds
                    }
                    Optional<JsonArray> after = SagaDocuments.timelineAfter(e.payload(), at.version(), at.timeline());
                    if (after.isEmpty()) {
                        newest = null;
                        fromWriteSide.add(sagas.stored(writeSide, sagaId).onSuccess(stored -> stored.ifPresent(s -> {
                            docs.add(new Bulk.VersionedDocument(sagaId, s.saga().version(), SagaDocuments.toDocument(s.saga(), s.timeline(), now)));
                            written.put(sagaId, new Known(s.saga().version(), s.timeline()));
                        })));
                        break;
                    }
                    at = new Known(e.version(), after.get());
                    newest = e;
                }
                if (newest != null) {
                    try {
                        docs.add(new Bulk.VersionedDocument(sagaId, newest.version(),
                            SagaDocuments.toDocument(newest.payload(), at.timeline(), newest.occurredAt(), now)));
                        written.put(sagaId, at);
                    } catch (RuntimeException bad) {
                        unprojectable.put(sagaId, "the saga cannot become a document: " + bad);
                    }
                }
            });
            return Future.all(fromWriteSide).compose(v -> Bulk.index(es, context, index, docs)).map(result -> {
                result.remember(index, written, recent);
                unprojectable.putAll(result.refused());
                return unprojectable;
            });
        });
    }
}
