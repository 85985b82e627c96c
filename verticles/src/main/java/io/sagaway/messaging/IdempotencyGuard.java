package io.sagaway.messaging;

import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * The cheap first line of duplicate detection, in Redis. A consumer <em>claims</em> a message with
 * {@code SET NX EX} and a short processing TTL, marks it <em>done</em> only after its effect
 * committed, and releases the claim when it fails. PostgreSQL's processed-message records stay the
 * authority: if Redis loses its keys (or is down) the message is handled again and the database
 * recognises it, so correctness never depends on Redis.
 */
public final class IdempotencyGuard {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyGuard.class);
    private static final String DONE = "done";

    /** What a claim found. */
    public enum Claim { CLAIMED, ALREADY_DONE, BUSY }

    private final RedisAPI redis;
    private final String consumer;
    private final Duration processingTtl;
    private final Duration doneTtl;

    public IdempotencyGuard(RedisAPI redis, String consumer, Duration processingTtl, Duration doneTtl) {
        this.redis = redis;
        this.consumer = consumer;
        this.processingTtl = processingTtl;
        this.doneTtl = doneTtl;
    }

    public Future<Claim> claim(String messageId) {
        String key = key(messageId);
        return redis.set(List.of(key, "processing", "NX", "EX", Long.toString(processingTtl.toSeconds())))
            .compose(set -> set != null ? Future.succeededFuture(Claim.CLAIMED)
                : redis.get(key).map(value -> value != null && DONE.equals(value.toString()) ? Claim.ALREADY_DONE : Claim.BUSY))
            .recover(e -> {
                LOG.warn("Redis unavailable for claims ({}); PostgreSQL dedupes instead", e.toString());
                return Future.succeededFuture(Claim.CLAIMED);
            });
    }

    public Future<Void> markDone(String messageId) {
        return ignoreFailure(redis.set(List.of(key(messageId), DONE, "EX", Long.toString(doneTtl.toSeconds()))));
    }

    public Future<Void> release(String messageId) {
        return ignoreFailure(redis.del(List.of(key(messageId))));
    }

    private String key(String messageId) {
        return "sagaway:processed:" + consumer + ":" + messageId;
    }

    private static Future<Void> ignoreFailure(Future<Response> call) {
        return call.<Void>mapEmpty().otherwiseEmpty();
    }
}
