package io.sagaway.graphql.subscriptions;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedPublisherTest {

    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /** Records what it receives; requests only what the test grants. */
    private static final class Recorder implements Subscriber<Integer> {
        final List<Integer> items = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        volatile Subscription subscription;

        @Override
        public void onSubscribe(Subscription s) {
            subscription = s;
        }

        @Override
        public void onNext(Integer item) {
            items.add(item);
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }

        @Override
        public void onComplete() {
        }
    }

    private static void settle() throws InterruptedException {
        Thread.sleep(200);
    }

    @Test
    void itemsFlowOnlyAsRequestedAndInOrder() throws Exception {
        BoundedPublisher<Integer> publisher = new BoundedPublisher<>(vertx.getOrCreateContext(), 10, p -> { });
        Recorder recorder = new Recorder();
        publisher.subscribe(recorder);
        settle();
        for (int i = 1; i <= 5; i++) {
            publisher.offer(i);
        }
        recorder.subscription.request(2);
        settle();
        assertThat(recorder.items).containsExactly(1, 2);
        recorder.subscription.request(10);
        settle();
        assertThat(recorder.items).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void aSubscriberThatFallsBehindIsDroppedWithAnErrorWhileAFastOneKeepsUp() throws Exception {
        List<BoundedPublisher<Integer>> ended = new CopyOnWriteArrayList<>();
        var context = vertx.getOrCreateContext();
        BoundedPublisher<Integer> slow = new BoundedPublisher<>(context, 16, ended::add);
        BoundedPublisher<Integer> fast = new BoundedPublisher<>(context, 16, ended::add);
        Recorder slowRecorder = new Recorder();
        Recorder fastRecorder = new Recorder();
        slow.subscribe(slowRecorder);
        fast.subscribe(fastRecorder);
        settle();
        slowRecorder.subscription.request(1);
        fastRecorder.subscription.request(Long.MAX_VALUE);

        for (int i = 0; i < 100; i++) {
            slow.offer(i);
            fast.offer(i);
        }
        settle();

        assertThat(fastRecorder.items).hasSize(100);
        assertThat(fastRecorder.error.get()).isNull();
        assertThat(slowRecorder.items).containsExactly(0);
        assertThat(slowRecorder.error.get()).hasMessageContaining("fell more than 16 updates behind");
        assertThat(ended).containsExactly(slow);
        assertThat(slow.isDone()).isTrue();
    }

    @Test
    void aCongestedConnectionHoldsItemsBackUntilItDrainsAndOverflowDropsTheSubscriber() throws Exception {
        AtomicBoolean congested = new AtomicBoolean(true);
        BoundedPublisher<Integer> publisher = new BoundedPublisher<>(vertx.getOrCreateContext(), 8, p -> { });
        publisher.gate(congested::get);
        Recorder recorder = new Recorder();
        publisher.subscribe(recorder);
        settle();
        recorder.subscription.request(Long.MAX_VALUE);
        for (int i = 0; i < 5; i++) {
            publisher.offer(i);
        }
        settle();
        assertThat(recorder.items).isEmpty();

        congested.set(false);
        publisher.resume();
        settle();
        assertThat(recorder.items).containsExactly(0, 1, 2, 3, 4);

        congested.set(true);
        for (int i = 0; i < 20; i++) {
            publisher.offer(i);
        }
        settle();
        assertThat(recorder.error.get()).hasMessageContaining("fell more than 8 updates behind");
        assertThat(publisher.isDone()).isTrue();
    }

    @Test
    void cancellingEndsTheStream() throws Exception {
        List<BoundedPublisher<Integer>> ended = new CopyOnWriteArrayList<>();
        BoundedPublisher<Integer> publisher = new BoundedPublisher<>(vertx.getOrCreateContext(), 4, ended::add);
        Recorder recorder = new Recorder();
        publisher.subscribe(recorder);
        settle();
        recorder.subscription.cancel();
        settle();
        publisher.offer(1);
        recorder.subscription.request(1);
        settle();
        assertThat(recorder.items).isEmpty();
        assertThat(ended).containsExactly(publisher);
    }
}
