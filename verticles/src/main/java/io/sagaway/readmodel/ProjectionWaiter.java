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

/**
 * Lets the write side wait until the read model holds an order at (at least) a version, which is
 * what {@code waitFor: PROJECTED} needs: it listens for the projectors' notifications and, in case
 * one was published before it listened or came from another process, also reads the document
 * (a realtime get) now and then.
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
        Promise<JsonObject> result = Promise.promise();
        MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.PROJECTION_UPDATES, message -> {
            JsonObject update = message.body();
            if ("order".equals(update.getString("kind")) && orderId.equals(update.getString("id"))
                && update.getLong("version", 0L) >= version) {
                check(orderId, version, result);
            }
        });
        long recheck = vertx.setPeriodic(0, RECHECK_MS, id -> check(orderId, version, result));
        long deadline = vertx.setTimer(timeout.toMillis(), id -> result.tryFail(new CommandFailure(ErrorCode.UNAVAILABLE,
            "the read model did not show order " + orderId + " at version " + version + " within " + timeout.toMillis() + " ms")));
        return consumer.completion().compose(v -> result.future()).eventually(() -> {
            vertx.cancelTimer(recheck);
            vertx.cancelTimer(deadline);
            return consumer.unregister();
        });
    }

    /** The order's saga document once its version reaches {@code version}; fails with UNAVAILABLE after {@code timeout}. */
    public Future<JsonObject> awaitSaga(String orderId, long version, Duration timeout) {
        Promise<JsonObject> result = Promise.promise();
        MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(Addresses.PROJECTION_UPDATES, message -> {
            JsonObject update = message.body();
            if ("saga".equals(update.getString("kind")) && orderId.equals(update.getString("orderId"))
                && update.getLong("version", 0L) >= version) {
                checkSaga(orderId, version, result);
            }
        });
        long recheck = vertx.setPeriodic(0, RECHECK_MS, id -> checkSaga(orderId, version, result));
        long deadline = vertx.setTimer(timeout.toMillis(), id -> result.tryFail(new CommandFailure(ErrorCode.UNAVAILABLE,
            "the read model did not show the saga of order " + orderId + " at version " + version + " within " + timeout.toMillis() + " ms")));
        return consumer.completion().compose(v -> result.future()).eventually(() -> {
            vertx.cancelTimer(recheck);
            vertx.cancelTimer(deadline);
            return consumer.unregister();
        });
    }

    private void checkSaga(String orderId, long version, Promise<JsonObject> result) {
        if (result.future().isComplete()) {
            return;
        }
        queries.sagaForOrder(orderId).onSuccess((Optional<JsonObject> doc) -> doc
            .filter(d -> d.getLong("version", 0L) >= version)
            .ifPresent(result::tryComplete));
    }

    private void check(String orderId, long version, Promise<JsonObject> result) {
        if (result.future().isComplete()) {
            return;
        }
        queries.order(orderId).onSuccess((Optional<JsonObject> doc) -> doc
            .filter(d -> d.getLong("version", 0L) >= version)
            .ifPresent(result::tryComplete));
    }
}
