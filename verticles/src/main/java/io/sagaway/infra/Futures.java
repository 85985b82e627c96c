package io.sagaway.infra;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.BiConsumer;
import java.util.function.Supplier;

/** Small helpers for code that composes futures. */
public final class Futures {

    private Futures() {
    }

    /**
     * Calls something that answers a future, turning a throw into a failed future: code that
     * composes the answer then sees every failure the same way, and none escapes as an exception.
     */
    public static <T> Future<T> call(Supplier<? extends Future<T>> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    /**
     * Calls {@code call} until it succeeds, pausing {@code firstPauseMs} after the first failure
     * and twice as long after each next one, up to {@code maxPauseMs}; {@code onFailure} hears of
     * each failure and the pause before the next try.
     */
    public static <T> Future<T> retryUntilSuccess(Vertx vertx, Supplier<? extends Future<T>> call, long firstPauseMs, long maxPauseMs,
                                                  BiConsumer<Throwable, Long> onFailure) {
        Promise<T> result = Promise.promise();
        attempt(vertx, call, firstPauseMs, maxPauseMs, onFailure, result);
        return result.future();
    }

    private static <T> void attempt(Vertx vertx, Supplier<? extends Future<T>> call, long pauseMs, long maxPauseMs,
                                    BiConsumer<Throwable, Long> onFailure, Promise<T> result) {
        call(call).onComplete(result::complete, failure -> {
            onFailure.accept(failure, pauseMs);
            vertx.setTimer(pauseMs, id -> attempt(vertx, call, Math.min(pauseMs * 2, maxPauseMs), maxPauseMs, onFailure, result));
        });
    }
}
