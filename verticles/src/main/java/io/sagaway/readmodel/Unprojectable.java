package io.sagaway.readmodel;

import io.vertx.core.Future;

import java.util.function.Supplier;

/**
 * An event that cannot become part of a read-model document: applying it, or writing the
 * document it gives, breaks a rule of the data (a number out of range, say). Retrying cannot help,
 * so the projector sets it aside instead of stopping; a failure to reach a service is never this.
 */
final class Unprojectable extends RuntimeException {

    Unprojectable(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** Runs a step on the data alone (no I/O): whatever it throws makes the event unprojectable. */
    static <T> Future<T> check(Supplier<T> step) {
        try {
            return Future.succeededFuture(step.get());
        } catch (RuntimeException e) {
            return Future.failedFuture(new Unprojectable("the order's events cannot become a document: " + e, e));
        }
    }
}
