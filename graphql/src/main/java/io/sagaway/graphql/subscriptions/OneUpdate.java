package io.sagaway.graphql.subscriptions;

import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/** A stream of exactly one update, then its end: what a subscription's selection is rendered over. */
public final class OneUpdate<T> implements Publisher<T> {

    private final T update;

    public OneUpdate(T update) {
        this.update = update;
    }

    @Override
    public void subscribe(Subscriber<? super T> subscriber) {
        subscriber.onSubscribe(new Subscription() {
            private boolean sent;

            @Override
            public void request(long n) {
                if (sent) {
                    return;
                }
                sent = true;
                if (n <= 0) {
                    subscriber.onError(new IllegalArgumentException("request must be positive"));
                    return;
                }
                subscriber.onNext(update);
                subscriber.onComplete();
            }

            @Override
            public void cancel() {
                sent = true;
            }
        });
    }
}
