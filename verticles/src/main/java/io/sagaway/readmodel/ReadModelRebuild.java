package io.sagaway.readmodel;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.messaging.Envelope;
import io.sagaway.saga.SagaStore;
import io.sagaway.saga.domain.SagaState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Rebuilds the read model without downtime. For each kind: create the next index version;
 * register the rebuild, so live projectors write to the new index too from their next batch;
 * wait for them to see it; replay the source of truth into it (orders from the event store, by
 * global position; sagas from their table); then move the alias in one atomic step and, once
 * projectors have seen that too, drop the old index. Queries read through the alias, so they
 * answer throughout. Version guards make the replay and the live writes commute: whichever
 * arrives last, the newest version stays.
 */
public final class ReadModelRebuild {

    private static final Logger LOG = LoggerFactory.getLogger(ReadModelRebuild.class);
    private static final int BATCH = 1000;

    private final Vertx vertx;
    private final Pool pool;
    private final ReadModelIndices indices;
    private final OrderProjector orders;
    private final ElasticsearchAsyncClient es;
    private final Context context;
    private final Duration settle;

    /**
     * @param settle how long to wait after registering, for running projectors to start writing to the new index
     */
    public ReadModelRebuild(Vertx vertx, Pool pool, ReadModelIndices indices, OrderProjector orders, ElasticsearchAsyncClient es,
                            Context context, Duration settle) {
        this.vertx = vertx;
        this.pool = pool;
        this.indices = indices;
        this.orders = orders;
        this.es = es;
        this.context = context;
        // Projectors reuse their write targets for up to WriteTargets.MAX_AGE: waiting twice that covers a batch under way.
        this.settle = settle.compareTo(WriteTargets.MAX_AGE.multipliedBy(2)) < 0 ? WriteTargets.MAX_AGE.multipliedBy(2) : settle;
    }

    /** Rebuilds orders, then sagas; completes when both aliases point at their new indices. */
    public Future<Void> run() {
        return rebuild(ReadModelIndices.Kind.ORDERS).compose(v -> rebuild(ReadModelIndices.Kind.SAGAS));
    }

    private Future<Void> rebuild(ReadModelIndices.Kind kind) {
        String alias = indices.alias(kind);
        return RebuildStore.expire(pool, alias)
            .compose(orphans -> Future.all(orphans.stream().map(orphan -> {
                LOG.warn("an earlier rebuild of {} into {} was abandoned (its process died); dropping its index", alias, orphan);
                return indices.delete(orphan);
            }).toList()))
            .compose(v -> indices.ensure(kind))
            .compose(current -> {
                String next = nextVersion(kind, current);
                return indices.create(kind, next, false)
                    .compose(v -> RebuildStore.start(pool, alias, current, next))
                    .recover(e -> Future.failedFuture(e instanceof PgException pg && "23505".equals(pg.getSqlState())
                        ? new CommandFailure(ErrorCode.CONFLICT, "a rebuild of " + alias + " is already running") : e))
                    .compose(id -> {
                        long heartbeat = vertx.setPeriodic(RebuildStore.HEARTBEAT.toMillis(), t -> RebuildStore.heartbeat(pool, id)
                            .onFailure(e -> LOG.warn("rebuild of {}: lease not renewed ({})", alias, e.toString())));
                        return wait(settle)
                            .compose(v -> replay(kind, next, id))
                            .compose(v -> indices.swap(kind, current, next))
                            .compose(v -> RebuildStore.finish(pool, id, "DONE", null))
                            // Projectors may still write to the old index on an answer read before the swap.
                            .compose(v -> wait(settle))
                            .compose(v -> indices.delete(current))
                            .onSuccess(v -> LOG.info("read model {} rebuilt into {}", alias, next))
                            .recover(e -> {
                                LOG.error("rebuild of {} failed: {}", alias, e.toString());
                                return RebuildStore.finish(pool, id, "FAILED", e.getMessage())
                                    .compose(v -> indices.delete(next))
                                    .transform(v -> Future.failedFuture(e));
                            })
                            .onComplete(done -> vertx.cancelTimer(heartbeat));
                    });
            });
    }

    private Future<Void> replay(ReadModelIndices.Kind kind, String target, UUID id) {
        String countSql = kind == ReadModelIndices.Kind.ORDERS
            ? "SELECT count(*) FROM events WHERE aggregate_type = 'Order'" : "SELECT count(*) FROM sagas";
        return pool.query(countSql).execute().map(rows -> rows.iterator().next().getLong(0)).compose(total -> {
            Promise<Void> done = Promise.promise();
            if (kind == ReadModelIndices.Kind.ORDERS) {
                repeat(at -> replayOrders(target, id, at, total), new Progress<>(0L, 0, false), done);
            } else {
                repeat(at -> replaySagas(target, id, at, total), new Progress<>("", 0, false), done);
            }
            return done.future();
        });
    }

    /** Where a replay stands: its cursor (a position or an id), how many items it wrote, and whether it reached the end. */
    private record Progress<C>(C cursor, long done, boolean end) {
    }

    /** Runs {@code batch} from {@code at}, then from where it got, until it reaches the end; one event-loop turn per batch. */
    private <C> void repeat(Function<Progress<C>, Future<Progress<C>>> batch, Progress<C> at, Promise<Void> finished) {
        batch.apply(at).onComplete(next -> {
            if (next.failed()) {
                finished.fail(next.cause());
            } else if (next.result().end()) {
                finished.complete();
            } else {
                vertx.runOnContext(v -> repeat(batch, next.result(), finished));
            }
        });
    }

    /** One batch of events after the cursor's position. */
    private Future<Progress<Long>> replayOrders(String target, UUID id, Progress<Long> at, long total) {
        return pool.preparedQuery("""
                SELECT position, event_id, aggregate_id, version, event_type, data, metadata, occurred_at FROM events
                WHERE aggregate_type = 'Order' AND position > $1 ORDER BY position LIMIT $2""")
            .execute(Tuple.of(at.cursor(), BATCH))
            .compose(rows -> {
                if (rows.size() == 0) {
                    return RebuildStore.progress(pool, id, at.done(), Math.max(total, at.done()))
                        .map(new Progress<>(at.cursor(), at.done(), true));
                }
                Map<String, List<Envelope>> byOrder = new LinkedHashMap<>();
                long last = at.cursor();
                for (Row r : rows) {
                    last = r.getLong("position");
                    JsonObject meta = r.getJsonObject("metadata");
                    byOrder.computeIfAbsent(r.getString("aggregate_id"), k -> new ArrayList<>()).add(new Envelope(
                        r.getUUID("event_id").toString(), r.getString("event_type"), "Order", r.getString("aggregate_id"),
                        r.getInteger("version"), meta.getString("correlationId"), meta.getString("causationId"),
                        r.getOffsetDateTime("occurred_at").toInstant(), r.getJsonObject("data")));
                }
                Progress<Long> next = new Progress<>(last, at.done() + rows.size(), false);
                return orders.projectInto(target, byOrder)
                    .onSuccess(refused -> refused.forEach((orderId, reason) ->
                        LOG.warn("rebuild into {}: order {} left out: {}", target, orderId, reason)))
                    .compose(v -> RebuildStore.progress(pool, id, next.done(), Math.max(total, next.done())))
                    .map(next);
            });
    }

    /** One batch of sagas after the cursor's id. */
    private Future<Progress<String>> replaySagas(String target, UUID id, Progress<String> at, long total) {
        return pool.preparedQuery("SELECT saga_id, " + SagaStore.COLUMNS + ", timeline FROM sagas WHERE saga_id > $1 ORDER BY saga_id LIMIT $2")
            .execute(Tuple.of(at.cursor(), BATCH))
            .compose(rows -> {
                if (rows.size() == 0) {
                    return RebuildStore.progress(pool, id, at.done(), Math.max(total, at.done()))
                        .map(new Progress<>(at.cursor(), at.done(), true));
                }
                List<Bulk.VersionedDocument> docs = new ArrayList<>();
                String lastId = at.cursor();
                for (Row r : rows) {
                    lastId = r.getString("saga_id");
                    SagaState saga = SagaStore.state(r);
                    docs.add(new Bulk.VersionedDocument(saga.sagaId(), saga.version(),
                        SagaDocuments.toDocument(saga, r.getJsonArray("timeline"), Instant.now())));
                }
                Progress<String> next = new Progress<>(lastId, at.done() + rows.size(), false);
                return Bulk.index(es, context, target, docs)
                    .onSuccess(written -> written.refused().forEach((sagaId, reason) ->
                        LOG.warn("rebuild into {}: saga {} left out: {}", target, sagaId, reason)))
                    .compose(v -> RebuildStore.progress(pool, id, next.done(), Math.max(total, next.done())))
                    .map(next);
            });
    }

    private static String nextVersion(ReadModelIndices.Kind kind, String current) {
        int at = current.lastIndexOf("_v");
        int version = at < 0 ? 1 : Integer.parseInt(current.substring(at + 2));
        return current.substring(0, at < 0 ? current.length() : at) + "_v" + (version + 1);
    }

    private Future<Void> wait(Duration duration) {
        Promise<Void> promise = Promise.promise();
        vertx.setTimer(Math.max(1, duration.toMillis()), id -> promise.complete());
        return promise.future();
    }
}
