package io.sagaway.graphql.subscriptions;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** An update is rendered once per distinct subscription, however many subscribers share it. */
class SubscriptionPayloadsTest {

    private final List<String> rendered = new ArrayList<>();
    private final SubscriptionPayloads payloads = new SubscriptionPayloads((request, update) -> {
        rendered.add(request.query() + " " + update);
        return CompletableFuture.completedFuture(request.query() + " of " + update);
    });

    private static SubscriptionRequest request(String query, Map<String, Object> variables) {
        return new SubscriptionRequest(query, null, variables, null);
    }

    @Test
    void subscribersOfTheSameSubscriptionShareOneRenderingPerUpdate() {
        Map<String, Object> first = Map.of("orderId", "o-1", "version", 1);
        Map<String, Object> second = Map.of("orderId", "o-1", "version", 2);
        for (int subscriber = 0; subscriber < 1000; subscriber++) {
            SubscriptionRequest same = request("subscription { a }", Map.of("customerId", "alice"));
            assertThat(payloads.payload(same, first).join()).isEqualTo("subscription { a } of " + first);
            assertThat(payloads.payload(same, second).join()).isEqualTo("subscription { a } of " + second);
        }
        assertThat(rendered).hasSize(2);
    }

    @Test
    void aDifferentSelectionOperationOrVariablesGetsItsOwnRendering() {
        Map<String, Object> update = Map.of("orderId", "o-1");
        payloads.payload(request("subscription { a }", Map.of()), update);
        payloads.payload(request("subscription { a b }", Map.of()), update);
        payloads.payload(request("subscription { a }", Map.of("withReason", true)), update);
        payloads.payload(new SubscriptionRequest("subscription { a }", "Named", Map.of(), null), update);
        payloads.payload(request("subscription { a }", Map.of()), update);
        assertThat(rendered).hasSize(4);
    }

    @Test
    void updatesAreToldApartByIdentityNotByEquality() {
        SubscriptionRequest same = request("subscription { a }", Map.of());
        payloads.payload(same, new java.util.HashMap<>(Map.of("orderId", "o-1")));
        payloads.payload(same, new java.util.HashMap<>(Map.of("orderId", "o-1")));
        assertThat(rendered).hasSize(2);
    }

    @Test
    void aFailedRenderingIsNotKept() {
        List<Integer> attempts = new ArrayList<>();
        SubscriptionPayloads failingOnce = new SubscriptionPayloads((request, update) -> {
            attempts.add(attempts.size());
            return attempts.size() == 1 ? CompletableFuture.failedFuture(new IllegalStateException("boom"))
                : CompletableFuture.completedFuture("ok");
        });
        Object update = new Object();
        SubscriptionRequest same = request("subscription { a }", Map.of());
        assertThat(failingOnce.payload(same, update)).isCompletedExceptionally();
        assertThat(failingOnce.payload(same, update).join()).isEqualTo("ok");
        assertThat(failingOnce.payload(same, update).join()).isEqualTo("ok");
        assertThat(attempts).hasSize(2);
    }

    @Test
    void onlyTheMostRecentUpdatesAreRemembered() {
        SubscriptionRequest same = request("subscription { a }", Map.of());
        Object oldest = new Object();
        payloads.payload(same, oldest);
        for (int i = 0; i < SubscriptionPayloads.RECENT_UPDATES; i++) {
            payloads.payload(same, new Object());
        }
        payloads.payload(same, oldest);
        assertThat(rendered).hasSize(SubscriptionPayloads.RECENT_UPDATES + 2);
    }
}
