package io.sagaway.readmodel;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Rebuild records in PostgreSQL: which index a running rebuild fills, and how far it got. A
 * running rebuild holds a lease that its process renews ({@link #heartbeat}) every
 * {@link #HEARTBEAT}; one not renewed for {@link #LEASE} belongs to a process that died (a kill,
 * a crash, Ctrl-C on the script): it no longer counts as running, projectors stop writing to its
 * index, and the next rebuild marks it abandoned and starts.
 */
public final class RebuildStore {

    public static final Duration HEARTBEAT = Duration.ofSeconds(5);
    public static final Duration LEASE = Duration.ofSeconds(30);
    static final String ABANDONED = "abandoned: its process stopped renewing it (killed or crashed) before it finished";
    /** A RUNNING row whose lease is still held. */
    private static final String LIVE = "status = 'RUNNING' AND updated_at > now() - make_interval(secs => " + LEASE.toSeconds() + ")";

    private RebuildStore() {
    }

    /** The target index of the running rebuild of {@code alias}, if any. */
    public static Future<Optional<String>> building(SqlClient client, String alias) {
        return client.preparedQuery("SELECT target_index FROM read_model_rebuilds WHERE alias = $1 AND " + LIVE)
            .execute(Tuple.of(alias))
            .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next().getString(0)));
    }

    /**
     * Marks the rebuilds of {@code alias} whose lease expired as failed; answers the indices they
     * were filling, for the caller to drop.
     */
    public static Future<List<String>> expire(Pool pool, String alias) {
        return pool.preparedQuery("UPDATE read_model_rebuilds SET status = 'FAILED', error = $2, finished_at = now() "
                + "WHERE alias = $1 AND status = 'RUNNING' AND NOT (" + LIVE + ") RETURNING target_index")
            .execute(Tuple.of(alias, ABANDONED))
            .map(rows -> {
                List<String> orphans = new ArrayList<>();
                rows.forEach(row -> orphans.add(row.getString(0)));
                return orphans;
            });
    }

    /** Registers a running rebuild; fails with a unique violation when one of the alias already runs. */
    public static Future<UUID> start(Pool pool, String alias, String from, String target) {
        UUID id = UUID.randomUUID();
        return pool.preparedQuery("INSERT INTO read_model_rebuilds (id, alias, from_index, target_index, status) VALUES ($1, $2, $3, $4, 'RUNNING')")
            .execute(Tuple.of(id, alias, from, target)).map(id);
    }

    /** Renews a running rebuild's lease. */
    public static Future<Void> heartbeat(Pool pool, UUID id) {
        return pool.preparedQuery("UPDATE read_model_rebuilds SET updated_at = now() WHERE id = $1 AND status = 'RUNNING'")
            .execute(Tuple.of(id)).mapEmpty();
    }

    public static Future<Void> progress(Pool pool, UUID id, long done, long total) {
        return pool.preparedQuery("UPDATE read_model_rebuilds SET done = $2, total = $3, updated_at = now() WHERE id = $1")
            .execute(Tuple.of(id, done, total)).mapEmpty();
    }

    public static Future<Void> finish(Pool pool, UUID id, String status, String error) {
        return pool.preparedQuery("UPDATE read_model_rebuilds SET status = $2, error = $3, finished_at = now(), updated_at = now() WHERE id = $1")
            .execute(Tuple.of(id, status, error)).mapEmpty();
    }

    /** The newest rebuild of any alias, with its rate (items/s) and estimated seconds left. */
    public static Future<Optional<JsonObject>> latest(SqlClient client) {
        return client.query("SELECT *, " + LIVE + " AS live FROM read_model_rebuilds ORDER BY started_at DESC LIMIT 1").execute()
            .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
    }

    public static Future<Optional<JsonObject>> get(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT *, " + LIVE + " AS live FROM read_model_rebuilds WHERE id = $1").execute(Tuple.of(id))
            .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toJson(rows.iterator().next())));
    }

    private static JsonObject toJson(Row row) {
        OffsetDateTime started = row.getOffsetDateTime("started_at");
        OffsetDateTime updated = row.getOffsetDateTime("updated_at");
        long done = row.getLong("done");
        long total = row.getLong("total");
        double seconds = Math.max(0.001, Duration.between(started, updated).toMillis() / 1000.0);
        double rate = done / seconds;
        return new JsonObject()
            .put("id", row.getUUID("id").toString())
            .put("alias", row.getString("alias"))
            .put("fromIndex", row.getString("from_index"))
            .put("targetIndex", row.getString("target_index"))
            // A RUNNING row without a live lease is reported as what it is: abandoned.
            .put("status", "RUNNING".equals(row.getString("status")) && !row.getBoolean("live") ? "FAILED" : row.getString("status"))
            .put("done", done)
            .put("total", total)
            .put("ratePerSecond", rate)
            .put("etaSeconds", rate > 0 && total > done ? (total - done) / rate : 0.0)
            .put("startedAt", started.toInstant().toString())
            .put("finishedAt", row.getOffsetDateTime("finished_at") == null ? null : row.getOffsetDateTime("finished_at").toInstant().toString())
            .put("error", "RUNNING".equals(row.getString("status")) && !row.getBoolean("live") ? ABANDONED : row.getString("error"));
    }
}
