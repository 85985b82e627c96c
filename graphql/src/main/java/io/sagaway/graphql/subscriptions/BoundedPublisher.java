package io.sagaway.graphql.subscriptions;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One subscriber's stream of updates, with back-pressure: items are delivered only as the
 * subscriber requests them, and at most {@code capacity} wait. A subscriber that falls further
 * behind gets an error and is dropped, so it never holds up the others or grows memory without
 * bound. All signals run on one Vert.x context.
 */
public final class BoundedPublisher<T> implements Publisher<T> {

    private final Context context;
    private final int capacity;
    private final Consumer<BoundedPublisher<T>> onEnd;
    private final Queue<T> buffer = new ArrayDeque<>();
    private BooleanSupplier congested = () -> false;
    private Subscriber<? super T> subscriber;
    private long demand;
    private boolean done;

    public BoundedPublisher(Context context, int capacity, Consumer<BoundedPublisher<T>> onEnd) {
        this.context = context;
        this.capacity = capacity;
        this.onEnd = onEnd;
    }

    @Override
    public void subscribe(Subscriber<? super T> s) {
        context.runOnContext(v -> {
            if (subscriber != null) {
                s.onSubscribe(new Subscription() {
                    public void request(long n) {
                    }

                    public void cancel() {
                    }
                });
                s.onError(new IllegalStateException("this stream has a subscriber already"));
                return;
            }
            subscriber = s;
            s.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    context.runOnContext(x -> {
                        if (n <= 0) {
                            fail(new IllegalArgumentException("request must be positive"));
                            return;
                        }
                        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
                        drain();
                    });
                }

                @Override
                public void cancel() {
                    context.runOnContext(x -> end());
                }
            });
        });
    }

    /**
     * Offers an update; drops the subscriber if it is too far behind. On the stream's own context
     * (the feed's, which offers each update to thousands of streams) it is handled at once, not
     * queued as a task of its own.
     */
    public void offer(T item) {
        if (Vertx.currentContext() == context) {
            accept(item);
        } else {
            context.runOnContext(v -> accept(item));
        }
    }

    private void accept(T item) {
        if (done) {
            return;
        }
        if (buffer.size() >= capacity) {
            fail(new IllegalStateException("the subscriber fell more than " + capacity + " updates behind and was dropped"));
            return;
        }
        buffer.add(item);
        drain();
    }

    /**
     * Holds items back while {@code congested} says the connection cannot take more (its write
     * queue is full): they wait in the bounded buffer, and {@link #resume()} sends them on.
     */
    public void gate(BooleanSupplier congested) {
        this.congested = congested;
    }

    /** Sends buffered items on, once the connection drained. */
    public void resume() {
        context.runOnContext(v -> drain());
    }

    private void drain() {
        while (!done && subscriber != null && demand > 0 && !buffer.isEmpty() && !congested.getAsBoolean()) {
            demand--;
            subscriber.onNext(buffer.poll());
        }
    }

    private void fail(Throwable error) {
        if (!done && subscriber != null) {
            subscriber.onError(error);
        }
        end();
    }

    private void end() {
        if (!done) {
            done = true;
            buffer.clear();
            onEnd.accept(this);
        }
    }

    /** Ends the stream from the server side, e.g. when the client's connection closed. */
    public void close() {
        context.runOnContext(v -> end());
    }

    public boolean isDone() {
        return done;
    }
}
