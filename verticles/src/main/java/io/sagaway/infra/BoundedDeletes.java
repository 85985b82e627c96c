package io.sagaway.infra;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.function.BooleanSupplier;

/**
 * Deletes of rows past an age, a bounded batch per transaction, so a backlog of old rows (a long
 * outage, a retention change) is worked off in small transactions instead of one large delete that
 * stalls the writers beside it and floods the disk. Rows another deleter holds are skipped.
 *
 * @param table the table; {@code key} a column that names a row ({@code ctid} will do); {@code age} a timestamp column
 */
public record BoundedDeletes(String table, String key, String age) {

    /** Rows per transaction, and transactions per run: up to 200,000 rows a run, never one huge delete. */
    public static final int BATCH_ROWS = 5_000;
    public static final int BATCHES_PER_RUN = 40;

    /** Deletes up to {@code limit} rows older than {@code before}; answers how many went. */
    public Future<Integer> batch(SqlClient client, Instant before, int limit) {
        return client.preparedQuery("DELETE FROM " + table + " WHERE " + key + " = ANY(ARRAY(SELECT " + key + " FROM " + table
                + " WHERE " + age + " < $1 LIMIT $2 FOR UPDATE SKIP LOCKED))")
            .execute(Tuple.of(before.atOffset(ZoneOffset.UTC), limit))
            .map(SqlResult::rowCount);
    }

    /** Deletes batch after batch while they come full, at most {@link #BATCHES_PER_RUN}, or until {@code stopped}; answers how many went. */
    public Future<Integer> run(SqlClient client, Instant before, BooleanSupplier stopped) {
        return run(client, before, stopped, 0, 0);
    }

    private Future<Integer> run(SqlClient client, Instant before, BooleanSupplier stopped, int batches, int total) {
        if (stopped.getAsBoolean() || batches >= BATCHES_PER_RUN) {
            return Future.succeededFuture(total);
        }
        return batch(client, before, BATCH_ROWS).compose(deleted -> deleted < BATCH_ROWS
            ? Future.succeededFuture(total + deleted)
            : run(client, before, stopped, batches + 1, total + deleted));
    }
}
