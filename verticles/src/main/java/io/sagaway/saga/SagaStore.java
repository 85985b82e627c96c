package io.sagaway.saga;

import io.sagaway.messaging.JsonCodec;
import io.sagaway.saga.domain.SagaState;
import io.sagaway.saga.domain.TimelineEntry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
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

/**
 * Sagas in PostgreSQL: one row each, holding the state as JSON beside indexed columns, and the
 * timeline, a JSON array of {@link TimelineEntry}, oldest first, to which entries are appended
 * with repeats folded in (migration V6).
 */
public final class SagaStore {

    /** The state as text: mapped straight to {@link SagaState}, not first parsed into a JSON tree. */
    public static final String COLUMNS = "state::text AS state";

    /**
     * Inserts a new saga with the first entries of its timeline; answers false when the order
     * already has one (a redelivered OrderPlaced).
     */
    public Future<Boolean> insert(SqlConnection tx, SagaState saga, List<TimelineEntry> timeline) {
        return tx.preparedQuery("""
                INSERT INTO sagas (saga_id, order_id, status, current_step, failed_step, flagged, state, version, next_wakeup_at,
                                   started_at, updated_at, finished_at, timeline)
                VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb, $8, $9, $10, $11, $12, $13::text::jsonb) ON CONFLICT DO NOTHING RETURNING 1""")
            .execute(row(saga, timeline))
            .map(rows -> rows.size() == 1);
    }

    /**
     * The end of a timeline that a change touched: its entries from position {@code from} on.
     * Applied to the timeline as it stood before the change ({@link #splice}), it gives the new one.
     */
    public record TimelineTail(int from, JsonArray entries) {

        /** The whole timeline of a saga just started. */
        public static TimelineTail whole(JsonArray timeline) {
            return new TimelineTail(0, timeline);
        }

        /** {@code before} with its entries from {@link #from()} replaced by this tail; empty if {@code before} is too short. */
        public Optional<JsonArray> splice(JsonArray before) {
            if (before.size() < from) {
                return Optional.empty();
            }
            JsonArray after = new JsonArray(new ArrayList<>(before.getList().subList(0, from)));
            entries.forEach(after::add);
            return Optional.of(after);
        }
    }

    /** Entries before the new ones that appending may fold a new one into (V6's look-back). */
    static final int FOLD_REACH = 3;

    /**
     * Stores the saga's new state and appends {@code newEntries} to its timeline, folding repeats;
     * answers, in the same round trip, the timeline's tail that the append may have touched (never
     * the whole timeline, which a long-retried saga makes long).
     */
    public Future<TimelineTail> update(SqlConnection tx, SagaState saga, List<TimelineEntry> newEntries) {
        return tx.preparedQuery("""
                WITH changed AS (
                    UPDATE sagas SET status = $3, current_step = $4, failed_step = $5, flagged = $6, state = $7::text::jsonb,
                                     version = $8, next_wakeup_at = $9, started_at = $10, updated_at = $11, finished_at = $12,
                                     timeline = saga_timeline_append(timeline, $13::text::jsonb)
                    WHERE saga_id = $1 AND order_id = $2
                    RETURNING timeline, GREATEST(0, jsonb_array_length(timeline) - $14) AS tail_from)
                SELECT tail_from, COALESCE((SELECT jsonb_agg(e ORDER BY i) FROM jsonb_array_elements(timeline) WITH ORDINALITY AS t(e, i)
                                            WHERE i > tail_from), '[]'::jsonb) AS tail
                FROM changed""")
            .execute(row(saga, newEntries).addInteger(newEntries.size() + FOLD_REACH))
            .map(rows -> {
                if (rows.size() == 0) {
                    return new TimelineTail(0, new JsonArray());
                }
                Row row = rows.iterator().next();
                return new TimelineTail(row.getInteger("tail_from"), row.getJsonArray("tail"));
            });
    }

    /** The saga of an order, locked for this transaction. */
    public Future<Optional<SagaState>> lockByOrder(SqlConnection tx, String orderId) {
        return one(tx, "SELECT " + COLUMNS + " FROM sagas WHERE order_id = $1 FOR UPDATE", orderId);
    }

    /** A saga locked for this transaction, or empty if it does not exist or (with {@code skipLocked}) another holds it. */
    public Future<Optional<SagaState>> lockById(SqlConnection tx, String sagaId, boolean skipLocked) {
        return one(tx, "SELECT " + COLUMNS + " FROM sagas WHERE saga_id = $1 FOR UPDATE" + (skipLocked ? " SKIP LOCKED" : ""), sagaId);
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

    /** A saga and its timeline, read together. */
    public record WithTimeline(SagaState saga, List<TimelineEntry> timeline) {
    }

    /** A saga and its timeline as stored, JSON. */
    public record Stored(SagaState saga, JsonArray timeline) {
    }

    public Future<Optional<WithTimeline>> getWithTimeline(SqlClient client, String sagaId) {
        return stored(client, sagaId).map(found -> found.map(s -> new WithTimeline(s.saga(), entries(s.timeline()))));
    }

    public Future<Optional<Stored>> stored(SqlClient client, String sagaId) {
        return client.preparedQuery("SELECT " + COLUMNS + ", timeline FROM sagas WHERE saga_id = $1")
            .execute(Tuple.of(sagaId))
            .map(rows -> {
                if (rows.size() == 0) {
                    return Optional.empty();
                }
                Row row = rows.iterator().next();
                return Optional.of(new Stored(state(row), row.getJsonArray("timeline")));
            });
    }

    /** A saga's timeline, oldest first (empty if there is no such saga). */
    public Future<List<TimelineEntry>> timeline(SqlClient client, String sagaId) {
        return getWithTimeline(client, sagaId).map(found -> found.map(WithTimeline::timeline).orElse(List.of()));
    }

    /** A timeline as stored (JSON), as entries. */
    public static List<TimelineEntry> entries(JsonArray timeline) {
        List<TimelineEntry> entries = new ArrayList<>(timeline.size());
        for (int i = 0; i < timeline.size(); i++) {
            entries.add(JsonCodec.fromJson(timeline.getJsonObject(i), TimelineEntry.class));
        }
        return entries;
    }

    public static JsonArray json(List<TimelineEntry> entries) {
        JsonArray json = new JsonArray();
        entries.forEach(e -> json.add(JsonCodec.toJson(e)));
        return json;
    }

    private static Future<Optional<SagaState>> one(SqlClient client, String sql, String id) {
        return client.preparedQuery(sql).execute(Tuple.of(id))
            .map(rows -> rows.size() == 0 ? Optional.empty()
                : Optional.of(state(rows.iterator().next())));
    }

    /** The state of a row read with {@link #COLUMNS}. */
    public static SagaState state(Row row) {
        return JsonCodec.decode(row.getString("state"), SagaState.class);
    }

    /** The row's values; state and timeline as JSON text, written once by the mapper (no tree in between). */
    private static Tuple row(SagaState s, List<TimelineEntry> timeline) {
        return Tuple.from(new Object[] {s.sagaId(), s.orderId(), s.status().name(),
            s.currentStep() == null ? null : s.currentStep().name(), s.failedStep() == null ? null : s.failedStep().name(),
            s.flagged(), JsonCodec.encode(s), s.version(), at(s.nextWakeup()), at(s.startedAt()), at(s.updatedAt()), at(s.finishedAt()),
            JsonCodec.encode(timeline)});
    }

    private static OffsetDateTime at(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
