package io.sagaway.eventstore;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The append-only store of every aggregate's events in PostgreSQL. Appends check the expected
 * version through the unique (aggregate id, version) constraint and run in the caller's
 * transaction, so the events commit together with whatever else the change writes (outbox rows,
 * a snapshot, an idempotency key).
 */
public final class EventStore {

    private static final String UNIQUE_VIOLATION = "23505";
    private static final String STREAM_VERSION_CONSTRAINT = "events_stream_version";

    /** An event to append. */
    public record NewEvent(UUID eventId, String type, JsonObject data) {
    }

    /** An event as stored. */
    public record StoredEvent(long position, UUID eventId, String aggregateType, String aggregateId, int version,
                              String type, JsonObject data, JsonObject metadata, Instant occurredAt) {
    }

    /** An aggregate's state at a version, so loading need not replay the whole stream. */
    public record Snapshot(String aggregateId, int version, JsonObject state) {
    }

    /**
     * Appends {@code events} after {@code expectedVersion}: they get versions expectedVersion+1...
     * Fails with {@link ConcurrencyConflict} when another writer got there first.
     */
    public Future<List<StoredEvent>> append(SqlConnection tx, String aggregateType, String aggregateId, int expectedVersion,
                                            List<NewEvent> events, MessageMetadata metadata, Instant at) {
        if (events.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        JsonObject metadataJson = metadata.toJson();
        int n = events.size();
        UUID[] ids = new UUID[n];
        Integer[] versions = new Integer[n];
        String[] types = new String[n];
        String[] data = new String[n];
        for (int i = 0; i < n; i++) {
            NewEvent e = events.get(i);
            ids[i] = e.eventId();
            versions[i] = expectedVersion + 1 + i;
            types[i] = e.type();
            data[i] = e.data().encode();
        }
        // One statement for all of them; positions are given in the arrays' order, which is version order.
        return tx.preparedQuery("""
                INSERT INTO events (event_id, aggregate_type, aggregate_id, version, event_type, data, metadata, occurred_at)
                SELECT id, $1, $2, version, type, data::jsonb, $3, $4
                FROM unnest($5::uuid[], $6::int[], $7::text[], $8::text[]) WITH ORDINALITY AS e(id, version, type, data, n)
                ORDER BY n
                RETURNING version, position""")
            .execute(Tuple.from(new Object[] {aggregateType, aggregateId, metadataJson, at.atOffset(ZoneOffset.UTC), ids, versions, types,
                data}))
            .recover(failure -> Future.failedFuture(isVersionConflict(failure)
                ? new ConcurrencyConflict(aggregateId, expectedVersion) : failure))
            .map(rows -> {
                long[] positions = new long[n];
                for (Row row : rows) {
                    positions[row.getInteger("version") - expectedVersion - 1] = row.getLong("position");
                }
                List<StoredEvent> stored = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    NewEvent e = events.get(i);
                    stored.add(new StoredEvent(positions[i], e.eventId(), aggregateType, aggregateId,
                        expectedVersion + 1 + i, e.type(), e.data(), metadataJson, at));
                }
                return stored;
            });
    }

    /** The events of one stream with {@code afterVersion < version <= upToVersion}, oldest first. */
    public Future<List<StoredEvent>> read(SqlClient client, String aggregateId, int afterVersion, int upToVersion) {
        return client.preparedQuery("""
                SELECT position, event_id, aggregate_type, aggregate_id, version, event_type, data, metadata, occurred_at
                FROM events WHERE aggregate_id = $1 AND version > $2 AND version <= $3 ORDER BY version""")
            .execute(Tuple.of(aggregateId, afterVersion, upToVersion))
            .map(rows -> {
                List<StoredEvent> events = new ArrayList<>(rows.size());
                rows.forEach(row -> events.add(toStoredEvent(row)));
                return events;
            });
    }

    /** A stream as loading needs it: the newest snapshot (if any) and the events after it. */
    public record LoadedStream(Optional<Snapshot> snapshot, List<StoredEvent> events) {
    }

    /**
     * The newest snapshot at or before {@code upToVersion} and the events after it up to
     * {@code upToVersion}, oldest first, in one round trip: loading an aggregate is on every saga
     * step's path.
     */
    public Future<LoadedStream> load(SqlClient client, String aggregateId, int upToVersion) {
        return client.preparedQuery("""
                WITH snap AS (
                    SELECT version, state FROM snapshots WHERE aggregate_id = $1 AND version <= $2 ORDER BY version DESC LIMIT 1)
                SELECT true AS is_snapshot, NULL::bigint AS position, NULL::uuid AS event_id, NULL::text AS aggregate_type,
                       NULL::text AS aggregate_id, version, NULL::text AS event_type, state AS data, NULL::jsonb AS metadata,
                       NULL::timestamptz AS occurred_at
                FROM snap
                UNION ALL
                SELECT false, position, event_id, aggregate_type, aggregate_id, version, event_type, data, metadata, occurred_at
                FROM events WHERE aggregate_id = $1 AND version > coalesce((SELECT version FROM snap), 0) AND version <= $2
                ORDER BY is_snapshot DESC, version""")
            .execute(Tuple.of(aggregateId, upToVersion))
            .map(rows -> {
                Optional<Snapshot> snapshot = Optional.empty();
                List<StoredEvent> events = new ArrayList<>(rows.size());
                for (Row row : rows) {
                    if (row.getBoolean("is_snapshot")) {
                        snapshot = Optional.of(new Snapshot(aggregateId, row.getInteger("version"), row.getJsonObject("data")));
                    } else {
                        events.add(toStoredEvent(row));
                    }
                }
                return new LoadedStream(snapshot, events);
            });
    }

    public Future<Void> saveSnapshot(SqlConnection tx, String aggregateType, Snapshot snapshot, Instant at) {
        return tx.preparedQuery("""
                INSERT INTO snapshots (aggregate_id, version, aggregate_type, state, taken_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT DO NOTHING""")
            .execute(Tuple.of(snapshot.aggregateId(), snapshot.version(), aggregateType, snapshot.state(), at.atOffset(ZoneOffset.UTC)))
            .mapEmpty();
    }

    private static StoredEvent toStoredEvent(Row row) {
        return new StoredEvent(
            row.getLong("position"),
            row.getUUID("event_id"),
            row.getString("aggregate_type"),
            row.getString("aggregate_id"),
            row.getInteger("version"),
            row.getString("event_type"),
            row.getJsonObject("data"),
            row.getJsonObject("metadata"),
            row.getOffsetDateTime("occurred_at").toInstant());
    }

    private static boolean isVersionConflict(Throwable failure) {
        return failure instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
            && STREAM_VERSION_CONSTRAINT.equals(pg.getConstraint());
    }
}
