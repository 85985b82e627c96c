package io.sagaway.messaging;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedTest {

    @Test
    void neverRunsMoreThanTheLimitAndReturnsResultsInTaskOrder() {
        List<Promise<Integer>> pending = new ArrayList<>();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        List<Supplier<Future<Integer>>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int value = i;
            tasks.add(() -> {
                mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                Promise<Integer> promise = Promise.promise();
                pending.add(promise);
                return promise.future().map(v -> {
                    running.decrementAndGet();
                    return value * 10;
                });
            });
        }
        Future<List<Integer>> all = Bounded.run(tasks, 3);
        assertThat(pending).hasSize(3);
        // Finish them last-started first: results still come back in the tasks' order.
        while (pending.stream().anyMatch(p -> !p.future().isComplete())) {
            List<Promise<Integer>> open = pending.stream().filter(p -> !p.future().isComplete()).toList();
            open.get(open.size() - 1).complete(0);
        }
        assertThat(mostAtOnce.get()).isEqualTo(3);
        assertThat(all.result()).containsExactly(0, 10, 20, 30, 40, 50, 60, 70, 80, 90);
    }

    @Test
    void aFailedTaskFailsTheRunOnlyAfterEveryTaskEnded() {
        AtomicInteger ran = new AtomicInteger();
        List<Supplier<Future<String>>> tasks = List.of(
            () -> Future.failedFuture(new IllegalStateException("boom")),
            () -> {
                ran.incrementAndGet();
                return Future.succeededFuture("b");
            },
            () -> {
                throw new IllegalArgumentException("thrown");
            });
        Future<List<String>> all = Bounded.run(tasks, 1);
        assertThat(all.failed()).isTrue();
        assertThat(all.cause()).hasMessage("boom");
        assertThat(ran.get()).isEqualTo(1);
        assertThat(Bounded.run(List.<Supplier<Future<String>>>of(), 4).result()).isEmpty();
    }
}
