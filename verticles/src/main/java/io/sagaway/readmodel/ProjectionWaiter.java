package io.sagaway.readmodel;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.messaging.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Follows the projectors' notifications ({@link Addresses#PROJECTION_UPDATES}), from every
 * process of a clustered event bus, through one consumer. It lets the write side wait until the
 * read model holds an order (or its saga) at (at least) a version, which is what
 * {@code waitFor: PROJECTED} and {@code COMPLETED} need; in case a notification was published
 * before the wait began, it also reads the document (a realtime get) now and then. And it records
 * the lag each notification carries, so this process reports the projectors' lag wherever they run.
 */
public final class ProjectionWaiter {

    private static final long RECHECK_MS = 250;

    private final Vertx vertx;
    private final ReadModelQueries queries;
    private final ProjectionMetrics lag;
    /** A wait under way: the version it waits for, and the document lookup that checks it. */
    private record Wait(long version, Runnable check) {
    }

    /** Per "kind/id", the waits under way. */
    private final Map<String, Set<Wait>> waiting = new ConcurrentHashMap<>();
    private MessageConsumer<JsonObject> consumer;

    public ProjectionWaiter(Vertx vertx, ReadModelQueries queries, ProjectionMetrics lag) {
        this.vertx = vertx;
        this.queries = queries;
        this.lag = lag;
    }

    /** Starts following the notifications. */
    public Future<Void> start() {
        consumer = vertx.eventBus().consumer(Addresses.PROJECTION_UPDATES, this::onUpdate);
        return consumer.completion();
    }

    public Future<Void> stop() {
        return consumer == null ? Future.succeededFuture() : consumer.unregister();
    }

    /** The projection lag the notifications reported. */
    public ProjectionMetrics lag() {
        return lag;
    }

    /** The order's document once its version reaches {@code version}; fails with UNAVAILABLE after {@code timeout}. */
    public Future<JsonObject> awaitOrder(String orderId, long version, Duration timeout) {
        return await("order", orderId, version, timeout, () -> queries.order(orderId), "order " + orderId);
    }

    /** The order's saga document once its version reaches {@code version}; fails with UNAVAILABLE after {@code timeout}. */
    public Future<JsonObject> awaitSaga(String orderId, long version, Duration timeout) {
        return await("saga", orderId, version, timeout, () -> queries.sagaForOrder(orderId), "the saga of order " + orderId);
    }

    private void onUpdate(Message<JsonObject> message) {
        JsonObject update = message.body();
        Long lagMs = update.getLong("lagMs");
        if (lagMs != null) {
            lag.record(lagMs);
        }
        String kind = update.getString("kind");
        // An order's notification names it by "id"; a saga's names its order by "orderId" (waits are by order).
        Set<Wait> waits = waiting.get(kind + '/' + update.getString("saga".equals(kind) ? "orderId" : "id"));
        if (waits != null) {
            long version = update.getLong("version", 0L);
            waits.stream().filter(wait -> version >= wait.version()).forEach(wait -> wait.check().run());
        }
    }

    /**
     * Completes with the document {@code lookup} reads once its version reaches {@code version}:
     * checked when a notification of {@code kind} for {@code orderId} says it reached that version,
     * and every {@link #RECHECK_MS} regardless.
     */
    private Future<JsonObject> await(String kind, String orderId, long version, Duration timeout,
                                     Supplier<Future<Optional<JsonObject>>> lookup, String what) {
        Promise<JsonObject> result = Promise.promise();
        Runnable check = () -> {
            if (!result.future().isComplete()) {
                lookup.get().onSuccess(doc -> doc.filter(d -> d.getLong("version", 0L) >= version).ifPresent(result::tryComplete));
            }
        };
        String key = kind + '/' + orderId;
        Wait wait = new Wait(version, check);
        waiting.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(wait);
        long recheck = vertx.setPeriodic(0, RECHECK_MS, timer -> check.run());
        long deadline = vertx.setTimer(timeout.toMillis(), timer -> result.tryFail(new CommandFailure(ErrorCode.UNAVAILABLE,
            "the read model did not show " + what + " at version " + version + " within " + timeout.toMillis() + " ms")));
        return result.future().onComplete(done -> {
            vertx.cancelTimer(recheck);
            vertx.cancelTimer(deadline);
            waiting.computeIfPresent(key, (k, waits) -> {
                waits.remove(wait);
                return waits.isEmpty() ? null : waits;
            });
        });
    }
}
