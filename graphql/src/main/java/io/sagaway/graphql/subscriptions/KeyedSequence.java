package io.sagaway.graphql.subscriptions;

import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs asynchronous steps one after another per key, in the order they were asked for: a step
 * starts once the key's previous step has finished, however long that took, and steps of
 * different keys do not wait for each other. Used from one Vert.x context.
 */
final class KeyedSequence<T> {

    private final Map<String, Future<T>> tails = new HashMap<>();

    /** Runs {@code step} after every earlier step of {@code key}; its result completes after theirs. */
    Future<T> then(String key, Supplier<Future<T>> step) {
        Future<T> before = tails.get(key);
        Future<T> next = before == null ? step.get() : before.transform(ignored -> step.get());
        if (!next.isComplete()) {
            tails.put(key, next);
            next.onComplete(done -> tails.remove(key, next));
        }
        return next;
    }

    /** Keys with a step still running. */
    int pending() {
        return tails.size();
    }
}
