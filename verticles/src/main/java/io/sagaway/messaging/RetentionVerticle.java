package io.sagaway.messaging;

import io.sagaway.infra.BoundedDeletes;
import io.sagaway.infra.InfraClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;

/**
 * Keeps the tables that only grow in check: the idempotency records ({@code processed_messages})
 * once no redelivery can still come (they must outlive Kafka's retention of the topics), and
 * dead letters nobody acted on for long, in {@link BoundedDeletes}, like the outbox's published
 * rows; several instances may run, each skipping rows another is deleting.
 */
public final class RetentionVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionVerticle.class);

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

    private static final BoundedDeletes PROCESSED = new BoundedDeletes("processed_messages", "ctid", "processed_at");
    private static final BoundedDeletes DEAD_LETTERS = new BoundedDeletes("dead_letters", "id", "last_failed_at");

    /** One run: old idempotency records, then old dead letters; answers how many rows went. */
    Future<Integer> runOnce() {
        Instant now = Instant.now();
        return PROCESSED.run(pool, now.minus(settings.processed()), () -> stopped)
            .compose(processed -> DEAD_LETTERS.run(pool, now.minus(settings.deadLetters()), () -> stopped).map(letters -> processed + letters));
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        return pool.close();
    }
}
