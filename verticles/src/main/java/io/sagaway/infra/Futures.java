package io.sagaway.infra;

import io.vertx.core.Future;

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
}
