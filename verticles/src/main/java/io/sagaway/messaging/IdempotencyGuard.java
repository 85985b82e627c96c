package io.sagaway.messaging;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The cheap first line of duplicate detection, in Redis. A consumer <em>claims</em> a message with
 * {@code SET NX EX} and a short processing TTL, marks it <em>done</em> only after its effect
 * committed, and releases the claim when it fails. PostgreSQL's processed-message records stay the
 * authority: if Redis loses its keys (or is down) the message is handled again and the database
 * recognises it, so correctness never depends on Redis.
 *
 * <p>A consumer handling a wave of messages claims and marks them all in one pipelined round trip
 * ({@link #claimAll}, {@link #markAllDone}) instead of two round trips per message.
 */
public final class IdempotencyGuard {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotencyGuard.class);
    private static final String DONE = "done";

    /** What a claim found. */
    public enum Claim { CLAIMED, ALREADY_DONE, BUSY }

    private final Redis redis;
    private final RedisAPI api;
    private final String consumer;
    private final Duration processingTtl;
    private final Duration doneTtl;

    public IdempotencyGuard(Redis redis, String consumer, Duration processingTtl, Duration doneTtl) {
        this.redis = redis;
        this.api = RedisAPI.api(redis);
        this.consumer = consumer;
        this.processingTtl = processingTtl;
        this.doneTtl = doneTtl;
    }

    public Future<Claim> claim(String messageId) {
        return claimAll(List.of(messageId)).map(claims -> claims.get(0));
    }

    /**
     * Claims every message of {@code messageIds} in one pipelined round trip (a second one only
     * for those already claimed, to tell done from busy); answers a claim for each, in order.
     */
    public Future<List<Claim>> claimAll(List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        String ttl = Long.toString(processingTtl.toSeconds());
        List<Request> sets = new ArrayList<>(messageIds.size());
        messageIds.forEach(id -> sets.add(Request.cmd(Command.SET).arg(key(id)).arg("processing").arg("NX").arg("EX").arg(ttl)));
        return redis.batch(sets)
            .compose(answers -> {
                List<Claim> claims = new ArrayList<>(Collections.nCopies(messageIds.size(), Claim.CLAIMED));
                List<Integer> taken = new ArrayList<>();
                for (int i = 0; i < answers.size(); i++) {
                    if (answers.get(i) == null) {
                        taken.add(i);
                    }
                }
                if (taken.isEmpty()) {
                    return Future.succeededFuture(claims);
                }
                List<Request> gets = taken.stream().map(i -> Request.cmd(Command.GET).arg(key(messageIds.get(i)))).toList();
                return redis.batch(gets).map(values -> {
                    for (int j = 0; j < taken.size(); j++) {
                        Response value = values.get(j);
                        claims.set(taken.get(j), value != null && DONE.equals(value.toString()) ? Claim.ALREADY_DONE : Claim.BUSY);
                    }
                    return claims;
                });
            })
            .recover(e -> {
                LOG.warn("Redis unavailable for claims ({}); PostgreSQL dedupes instead", e.toString());
                return Future.succeededFuture(Collections.nCopies(messageIds.size(), Claim.CLAIMED));
            });
    }

    public Future<Void> markDone(String messageId) {
        return markAllDone(List.of(messageId));
    }

    /** Marks every message of {@code messageIds} done in one pipelined round trip. */
    public Future<Void> markAllDone(List<String> messageIds) {
        if (messageIds.isEmpty()) {
            return Future.succeededFuture();
        }
        String ttl = Long.toString(doneTtl.toSeconds());
        List<Request> sets = new ArrayList<>(messageIds.size());
        messageIds.forEach(id -> sets.add(Request.cmd(Command.SET).arg(key(id)).arg(DONE).arg("EX").arg(ttl)));
        return redis.batch(sets).<Void>mapEmpty().otherwiseEmpty();
    }

    public Future<Void> release(String messageId) {
        return api.del(List.of(key(messageId))).<Void>mapEmpty().otherwiseEmpty();
    }

    private String key(String messageId) {
        return "sagaway:processed:" + consumer + ":" + messageId;
    }
}
