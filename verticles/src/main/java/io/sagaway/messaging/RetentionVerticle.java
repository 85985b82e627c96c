package io.sagaway.messaging;

import io.sagaway.infra.InfraClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

/**
 * Keeps the tables that only grow in check: the idempotency records ({@code processed_messages})
 * once no redelivery can still come (they must outlive Kafka's retention of the topics), and
 * dead letters nobody acted on for long. Deletes are bounded batches, like the outbox's, so a
 * backlog is worked off in small transactions that never stall the consumers writing beside them;
 * several instances may run, each skipping rows another is deleting.
 */
public final class RetentionVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionVerticle.class);
    static final int BATCH_ROWS = 5_000;
    static final int BATCHES_PER_RUN = 40;

    /**
     * @param processed   how long a processed message's record is kept: longer than a message can be redelivered
     * @param deadLetters how long a dead letter is kept after it last failed
     * @param interval    how often the deletes run
     */
    public record Settings(String postgresUri, String schema, Duration processed, Duration deadLetters, Duration interval) {
    }

    private final Settings settings;
    private Pool pool;
    private boolean stopped;

    public RetentionVerticle(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Future<?> start() {
        pool = InfraClients.postgres(vertx, settings.postgresUri(), settings.schema(), 1);
        vertx.setPeriodic(settings.interval().toMillis(), id -> runOnce()
            .onFailure(e -> LOG.warn("retention: could not delete old rows ({}); trying again in {} s", e.toString(),
                settings.interval().toSeconds())));
        return Future.succeededFuture();
    }

    /** One run: old idempotency records, then old dead letters; answers how many rows went. */
    Future<Integer> runOnce() {
        Instant now = Instant.now();
        return deleteInBatches(pool, "processed_messages", "ctid", "processed_at", now.minus(settings.processed()), 0, 0)
            .compose(processed -> deleteInBatches(pool, "dead_letters", "id", "last_failed_at", now.minus(settings.deadLetters()), 0, 0)
                .map(letters -> processed + letters));
    }

    private Future<Integer> deleteInBatches(SqlClient client, String table, String key, String age, Instant before, int batches, int total) {
        if (stopped || batches >= BATCHES_PER_RUN) {
            return Future.succeededFuture(total);
        }
        return deleteBatch(client, table, key, age, before, BATCH_ROWS).compose(deleted -> deleted < BATCH_ROWS
            ? Future.succeededFuture(total + deleted)
            : deleteInBatches(client, table, key, age, before, batches + 1, total + deleted));
    }

    /** Deletes up to {@code limit} rows of {@code table} whose {@code age} column is before {@code before}. */
    static Future<Integer> deleteBatch(SqlClient client, String table, String key, String age, Instant before, int limit) {
        return client.preparedQuery("DELETE FROM " + table + " WHERE " + key + " = ANY(ARRAY(SELECT " + key + " FROM " + table
                + " WHERE " + age + " < $1 LIMIT $2 FOR UPDATE SKIP LOCKED))")
            .execute(Tuple.of(before.atOffset(ZoneOffset.UTC), limit))
            .map(SqlResult::rowCount);
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        return pool.close();
    }
}
