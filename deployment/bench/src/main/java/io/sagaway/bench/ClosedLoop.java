package io.sagaway.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/** Runs an operation from N concurrent lanes, each starting the next as soon as the last finished, for a duration. */
final class ClosedLoop {

    /** How many operations completed, and failed, in how long. */
    record Result(long completed, long failed, Duration elapsed) {
        double perSecond() {
            return completed / (elapsed.toNanos() / 1e9);
        }
    }

    private ClosedLoop() {
    }

    static Result run(Vertx vertx, int lanes, Duration duration, Supplier<Future<?>> operation) {
        AtomicLong completed = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Future<Void>> done = new ArrayList<>();
        var context = vertx.getOrCreateContext();
        for (int i = 0; i < lanes; i++) {
            Promise<Void> lane = Promise.promise();
            context.runOnContext(v -> next(operation, end, completed, failed, lane));
            done.add(lane.future());
        }
        Bench.await(Future.all(done), duration.plusSeconds(60));
        return new Result(completed.get(), failed.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    private static void next(Supplier<Future<?>> operation, long end, AtomicLong completed, AtomicLong failed, Promise<Void> lane) {
        if (System.nanoTime() >= end) {
            lane.complete();
            return;
        }
        operation.get().onComplete(ok -> {
            completed.incrementAndGet();
            next(operation, end, completed, failed, lane);
        }, failure -> {
            failed.incrementAndGet();
            next(operation, end, completed, failed, lane);
        });
    }
}
