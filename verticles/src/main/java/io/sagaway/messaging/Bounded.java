package io.sagaway.messaging;

import io.sagaway.infra.Futures;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Runs asynchronous tasks with at most a given number in flight; results come back in the tasks' order. */
final class Bounded {

    private Bounded() {
    }

    /** Starts each task when a slot frees; a task that throws or fails fails the whole run once all started ones ended. */
    static <T> Future<List<T>> run(List<Supplier<Future<T>>> tasks, int limit) {
        if (tasks.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        // Completions may come from other threads than the caller's (client callbacks): shared state is thread-safe.
        List<T> results = Collections.synchronizedList(new ArrayList<>(Collections.nCopies(tasks.size(), null)));
        AtomicInteger next = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        Promise<List<T>> all = Promise.promise();
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        Runnable[] startNext = new Runnable[1];
        startNext[0] = () -> {
            int index = next.getAndIncrement();
            if (index >= tasks.size()) {
                return;
            }
            Futures.call(tasks.get(index)).onComplete(result -> {
                if (result.succeeded()) {
                    results.set(index, result.result());
                } else {
                    firstFailure.compareAndSet(null, result.cause());
                }
                if (finished.incrementAndGet() == tasks.size()) {
                    if (firstFailure.get() != null) {
                        all.fail(firstFailure.get());
                    } else {
                        all.complete(new ArrayList<>(results));
                    }
                } else {
                    startNext[0].run();
                }
            });
        };
        for (int i = 0; i < Math.min(limit, tasks.size()); i++) {
            startNext[0].run();
        }
        return all.future();
    }
}
