package io.sagaway.readmodel;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.messaging.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Lets the write side wait until the read model holds an order (or its saga) at (at least) a
 * version, which is what {@code waitFor: PROJECTED} and {@code COMPLETED} need: it listens for
 * the projectors' notifications and, in case one was published before it listened or came from
 * another process, also reads the document (a realtime get) now and then.
 */
public final class ProjectionWaiter {

    private static final long RECHECK_MS = 250;

    private final Vertx vertx;
    private final ReadModelQueries queries;

    public ProjectionWaiter(Vertx vertx, ReadModelQueries queries) {
        this.vertx = vertx;
        this.queries = queries;
    }

    /** The order's document once its version reaches {@code version}; fails with UNAVAILABLE after {@code timeout}. */
    public Future<JsonObject> awaitOrder(String orderId, long version, Duration timeout) {
        return await("order", "id", orderId, version, timeout, () -> queries.order(orderId), "order " + orderId);
    }

    /** The order's saga document once its version reaches {@code version}; fails with UNAVAILABLE after {@code timeout}. */
    public Future<JsonObject> awaitSaga(String orderId, long version, Duration timeout) {
        return await("saga", "orderId", orderId, version, timeout, () -> queries.sagaForOrder(orderId), "the saga of order " + orderId);
    }

    /**
     * Completes with the document {@code lookup} reads once its version reaches {@code version}:
     * checked when a notification of {@code kind} whose {@code idField} is {@code id} says so, and
     * every {@link #RECHECK_MS} regardless.
     */
    private Future<JsonObject> await(String kind, String idField, String id, long version, Duration timeout,
                                     Supplier<Future<Optional<JsonObject>>> lookup, String what) {
        Promise<JsonObject> result = Promise.promise();
        Runnable check = () -> {
            if (!result.future().isComplete()) {
                lookup.get().onSuccess(doc -> doc.filter(d -> d.getLong("version", 0L) >= version).ifPresent(result::tryComplete));
            }
        };
        MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.PROJECTION_UPDATES, message -> {
            JsonObject update = message.body();
            if (kind.equals(update.getString("kind")) && id.equals(update.getString(idField)) && update.getLong("version", 0L) >= version) {
                check.run();
            }
        });
        long recheck = vertx.setPeriodic(0, RECHECK_MS, timer -> check.run());
        long deadline = vertx.setTimer(timeout.toMillis(), timer -> result.tryFail(new CommandFailure(ErrorCode.UNAVAILABLE,
            "the read model did not show " + what + " at version " + version + " within " + timeout.toMillis() + " ms")));
        return consumer.completion().compose(v -> result.future()).eventually(() -> {
            vertx.cancelTimer(recheck);
            vertx.cancelTimer(deadline);
            return consumer.unregister();
        });
    }
}
