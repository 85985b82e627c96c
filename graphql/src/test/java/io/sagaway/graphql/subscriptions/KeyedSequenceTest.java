package io.sagaway.graphql.subscriptions;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class KeyedSequenceTest {

    @Test
    void aLaterStepOfAKeyFinishesAfterAnEarlierSlowerOneAndOtherKeysDoNotWait() {
        KeyedSequence<String> sequence = new KeyedSequence<>();
        List<String> delivered = new ArrayList<>();
        Promise<String> slowLookup = Promise.promise();

        sequence.then("order-1", slowLookup::future).onSuccess(c -> delivered.add("order-1 v1"));
        sequence.then("order-1", () -> Future.succeededFuture("alice")).onSuccess(c -> delivered.add("order-1 v2"));
        sequence.then("order-2", () -> Future.succeededFuture("bob")).onSuccess(c -> delivered.add("order-2 v1"));

        assertThat(delivered).containsExactly("order-2 v1");
        assertThat(sequence.pending()).isEqualTo(1);
        slowLookup.complete("alice");
        assertThat(delivered).containsExactly("order-2 v1", "order-1 v1", "order-1 v2");
        assertThat(sequence.pending()).isZero();
    }

    @Test
    void aFailedStepDoesNotStopTheNextOne() {
        KeyedSequence<String> sequence = new KeyedSequence<>();
        Promise<String> failing = Promise.promise();
        List<String> delivered = new ArrayList<>();
        sequence.then("k", failing::future);
        sequence.then("k", () -> Future.succeededFuture("next")).onSuccess(delivered::add);
        failing.fail("down");
        assertThat(delivered).containsExactly("next");
    }
}
