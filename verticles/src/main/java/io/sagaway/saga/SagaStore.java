package io.sagaway.saga;

import io.sagaway.messaging.JsonCodec;
import io.sagaway.saga.domain.SagaEventType;
import io.sagaway.saga.domain.SagaState;
import io.sagaway.saga.domain.SagaStepName;
import io.sagaway.saga.domain.TimelineEntry;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Sagas in PostgreSQL: one row each (the state as JSON beside indexed columns) and an append-only timeline. */
public final class SagaStore {

    private static final String COLUMNS = "state";

    /** Inserts a new saga; answers false when the order already has one (a redelivered OrderPlaced). */
    public Future<Boolean> insert(SqlConnection tx, SagaState saga) {
        return tx.preparedQuery("""
                INSERT INTO sagas (saga_id, order_id, status, current_step, failed_step, flagged, state, version, next_wakeup_at,
                                   started_at, updated_at, finished_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT DO NOTHING RETURNING 1""")
            .execute(row(saga))
            .map(rows -> rows.size() == 1);
    }

    public Future<Void> update(SqlConnection tx, SagaState saga) {
        return tx.preparedQuery("""
                UPDATE sagas SET status = $3, current_step = $4, failed_step = $5, flagged = $6, state = $7, version = $8,
                                 next_wakeup_at = $9, started_at = $10, updated_at = $11, finished_at = $12
                WHERE saga_id = $1 AND order_id = $2""")
            .execute(row(saga))
            .mapEmpty();
    }

    /** The saga of an order, locked for this transaction. */
    public Future<Optional<SagaState>> lockByOrder(SqlConnection tx, String orderId) {
        return one(tx, "SELECT " + COLUMNS + " FROM sagas WHERE order_id = $1 FOR UPDATE", orderId);
    }

    /** A saga locked for this transaction, or empty if it does not exist or (with {@code skipLocked}) another holds it. */
    public Future<Optional<SagaState>> lockById(SqlConnection tx, String sagaId, boolean skipLocked) {
        return one(tx, "SELECT " + COLUMNS + " FROM sagas WHERE saga_id = $1 FOR UPDATE" + (skipLocked ? " SKIP LOCKED" : ""), sagaId);
    }

    public Future<Optional<SagaState>> get(SqlClient client, String sagaId) {
        return one(client, "SELECT " + COLUMNS + " FROM sagas WHERE saga_id = $1", sagaId);
    }

    public Future<Optional<SagaState>> getByOrder(SqlClient client, String orderId) {
        return one(client, "SELECT " + COLUMNS + " FROM sagas WHERE order_id = $1", orderId);
    }

    /** Sagas whose next deadline or retry is due. */
    public Future<List<String>> due(SqlClient client, int limit) {
        return client.preparedQuery("SELECT saga_id FROM sagas WHERE next_wakeup_at <= now() ORDER BY next_wakeup_at LIMIT $1")
            .execute(Tuple.of(limit))
            .map(rows -> {
                List<String> ids = new ArrayList<>();
                rows.forEach(r -> ids.add(r.getString(0)));
                return ids;
            });
    }

    public Future<Void> appendTimeline(SqlConnection tx, String sagaId, List<TimelineEntry> entries) {
        if (entries.isEmpty()) {
            return Future.succeededFuture();
        }
        return tx.preparedQuery("INSERT INTO saga_timeline (saga_id, at, type, step, message) VALUES ($1, $2, $3, $4, $5)")
            .executeBatch(entries.stream().map(e -> Tuple.of(sagaId, e.at().atOffset(ZoneOffset.UTC), e.type().name(),
                e.step() == null ? null : e.step().name(), e.message())).toList())
            .mapEmpty();
    }

    public Future<List<TimelineEntry>> timeline(SqlClient client, String sagaId) {
        return client.preparedQuery("SELECT at, type, step, message FROM saga_timeline WHERE saga_id = $1 ORDER BY id")
            .execute(Tuple.of(sagaId))
            .map(rows -> {
                List<TimelineEntry> entries = new ArrayList<>(rows.size());
                for (Row r : rows) {
                    entries.add(new TimelineEntry(r.getOffsetDateTime("at").toInstant(), SagaEventType.valueOf(r.getString("type")),
                        r.getString("step") == null ? null : SagaStepName.valueOf(r.getString("step")), r.getString("message")));
                }
                return entries;
            });
    }

    private static Future<Optional<SagaState>> one(SqlClient client, String sql, String id) {
        return client.preparedQuery(sql).execute(Tuple.of(id))
            .map(rows -> rows.size() == 0 ? Optional.empty()
                : Optional.of(JsonCodec.fromJson(rows.iterator().next().getJsonObject("state"), SagaState.class)));
    }

    private static Tuple row(SagaState s) {
        return Tuple.from(new Object[] {s.sagaId(), s.orderId(), s.status().name(),
            s.currentStep() == null ? null : s.currentStep().name(), s.failedStep() == null ? null : s.failedStep().name(),
            s.flagged(), JsonCodec.toJson(s), s.version(), at(s.nextWakeup()), at(s.startedAt()), at(s.updatedAt()), at(s.finishedAt())});
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
