package io.sagaway.chaos;

import io.sagaway.bench.FailureMix;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Each invariant of the chaos run, shown to hold on a consistent picture and to catch the one thing broken in it. */
class InvariantsTest {

    private static final BigDecimal ONE = new BigDecimal("1.00");
    private static final long S = 1_000_000_000L;
    private static final java.net.URI GATEWAY = java.net.URI.create("http://127.0.0.1:8080");

    /** A run of three orders of customer c1: o1 shipped, o2 failed at shipping (compensated), o3 out of stock. */
    private static final class Picture {
        final List<Invariants.SentOrder> sent = new ArrayList<>(List.of(
            new Invariants.SentOrder("k1", "c1", FailureMix.Kind.SUCCESS, "o1", null, 10 * S),
            new Invariants.SentOrder("k2", "c1", FailureMix.Kind.SHIP_FAIL, "o2", null, 11 * S),
            new Invariants.SentOrder("k3", "c1", FailureMix.Kind.OUT_OF_STOCK, "o3", null, 12 * S)));
        final Map<String, List<Invariants.StoredEvent>> events = new HashMap<>(Map.of(
            "o1", new ArrayList<>(List.of(placed("S1"), event(2, "PaymentReceived"), event(3, "StockReserved"), event(4, "OrderShipped"))),
            "o2", new ArrayList<>(List.of(placed("S1"), event(2, "PaymentReceived"), event(3, "StockReserved"),
                event(4, "CompensationStarted"), failed(5, "ADDRESS_REJECTED: country ZZ is not served"))),
            "o3", new ArrayList<>(List.of(placed("EMPTY"), event(2, "PaymentReceived"), event(3, "CompensationStarted"),
                failed(4, "OUT_OF_STOCK: EMPTY")))));
        final Map<String, String> sagas = new HashMap<>(Map.of("o1", "COMPLETED", "o2", "FAILED", "o3", "FAILED"));
        final Map<String, String> idempotency = new HashMap<>(Map.of("c1/k1", "o1", "c1/k2", "o2", "c1/k3", "o3"));
        final Map<String, Invariants.Payment> payments = new HashMap<>(Map.of(
            "o1", new Invariants.Payment("c1", ONE, "DEBITED"),
            "o2", new Invariants.Payment("c1", ONE, "REFUNDED"),
            "o3", new Invariants.Payment("c1", ONE, "REFUNDED")));
        final Map<String, Invariants.Reservation> reservations = new HashMap<>(Map.of(
            "o1", new Invariants.Reservation("RESERVED", Map.of("S1", 1)),
            "o2", new Invariants.Reservation("RELEASED", Map.of("S1", 1)),
            "o3", new Invariants.Reservation("REJECTED", Map.of("EMPTY", 1))));
        final Map<String, String> shipments = new HashMap<>(Map.of("o1", "CREATED", "o2", "REJECTED"));
        final Map<String, BigDecimal> funded = Map.of("c1", new BigDecimal("10.00"));
        final Map<String, BigDecimal> balances = new HashMap<>(Map.of("c1", new BigDecimal("9.00")));
        final Map<String, Integer> stocked = Map.of("S1", 5, "EMPTY", 0);
        final Map<String, Invariants.StockRow> stock = new HashMap<>(Map.of("S1", new Invariants.StockRow(4, 1),
            "EMPTY", new Invariants.StockRow(0, 0)));
        final List<Invariants.DeadLetter> deadLetters = new ArrayList<>(List.of(
            new Invariants.DeadLetter("d1", "payment", "payment.requests", "PoisonMessageException: not JSON")));
        final Map<String, Invariants.ReadOrder> readModel = new HashMap<>(Map.of(
            "o1", new Invariants.ReadOrder("SHIPPED", 4, "COMPLETED"),
            "o2", new Invariants.ReadOrder("FAILED", 5, "FAILED"),
            "o3", new Invariants.ReadOrder("FAILED", 4, "FAILED")));
        final Map<String, List<ChaosLoad.Seen>> seen = new HashMap<>(Map.of(
            "o1", List.of(new ChaosLoad.Seen(1, 1, "PENDING", 1), new ChaosLoad.Seen(1, 2, "PAID", 2),
                new ChaosLoad.Seen(2, 2, "PAID", 3), new ChaosLoad.Seen(2, 4, "SHIPPED", 4)),
            "o2", List.of(new ChaosLoad.Seen(2, 5, "FAILED", 5)),
            "o3", List.of(new ChaosLoad.Seen(2, 4, "FAILED", 6))));
        /** Subscription 1 dropped at 9 s; subscription 2, open from 5 s on, saw each order end. */
        final List<ChaosLoad.Subscription> subscriptions = new ArrayList<>(List.of(
            new ChaosLoad.Subscription(1, java.util.Set.of("c1"), 0, 9 * S),
            new ChaosLoad.Subscription(2, java.util.Set.of("c1"), 5 * S, Long.MAX_VALUE)));
        final List<ChaosLoad.Refusal> refusals = new ArrayList<>(List.of(new ChaosLoad.Refusal(120 * S, 121 * S, "UNAVAILABLE", GATEWAY)));
        final List<Fault> faults = new ArrayList<>(List.of(new Fault(Fault.Kind.POSTGRESQL, "PostgreSQL", 100 * S, 110 * S, "")));

        List<Invariants.Violation> check() {
            return Invariants.check(new Invariants.Observed(sent, events, sagas, idempotency, payments, reservations, shipments, funded,
                balances, stocked, stock, deadLetters, readModel, seen, refusals, faults, subscriptions));
        }

        List<Invariants.Rule> rules() {
            return check().stream().map(Invariants.Violation::rule).distinct().toList();
        }
    }

    private static Invariants.StoredEvent placed(String sku) {
        return new Invariants.StoredEvent(1, "OrderPlaced", "c1", ONE, Map.of(sku, 1), null);
    }

    private static Invariants.StoredEvent event(int version, String type) {
        return new Invariants.StoredEvent(version, type, null, null, Map.of(), null);
    }

    private static Invariants.StoredEvent failed(int version, String reason) {
        return new Invariants.StoredEvent(version, "OrderFailed", null, null, Map.of(), reason);
    }

    @Test
    void aConsistentRunHasNoViolation() {
        assertThat(new Picture().check()).isEmpty();
    }

    @Test
    void anAcceptedOrderMissingFromTheEventStoreIsLost() {
        Picture p = new Picture();
        p.sent.add(new Invariants.SentOrder("k4", "c1", FailureMix.Kind.SUCCESS, "o4", null, 13 * S));
        assertThat(p.rules()).containsExactly(Invariants.Rule.LOST);
    }

    @Test
    void oneKeyAnsweredWithTwoOrdersIsAViolation() {
        Picture p = new Picture();
        p.sent.set(0, new Invariants.SentOrder("k1", "c1", FailureMix.Kind.SUCCESS, "o1", "o9", 10 * S));
        assertThat(p.rules()).containsExactly(Invariants.Rule.LOST);
    }

    @Test
    void aSagaStillRunningIsNotTerminal() {
        Picture p = new Picture();
        p.events.get("o1").remove(3);
        p.sagas.put("o1", "RUNNING");
        p.readModel.put("o1", new Invariants.ReadOrder("RESERVED", 3, "RUNNING"));
        p.shipments.remove("o1");
        p.seen.remove("o1");
        assertThat(p.rules()).contains(Invariants.Rule.TERMINAL);
    }

    @Test
    void aDebitAppliedTwiceBreaksTheBalance() {
        Picture p = new Picture();
        p.balances.put("c1", new BigDecimal("8.00"));
        assertThat(p.rules()).containsExactly(Invariants.Rule.MONEY);
    }

    @Test
    void aFailedOrderLeftDebitedIsAnEffectViolation() {
        Picture p = new Picture();
        p.balances.put("c1", new BigDecimal("8.00"));
        p.payments.put("o2", new Invariants.Payment("c1", ONE, "DEBITED"));
        assertThat(p.rules()).containsExactly(Invariants.Rule.EFFECTS);
    }

    @Test
    void aReservationAppliedTwiceBreaksTheStock() {
        Picture p = new Picture();
        p.stock.put("S1", new Invariants.StockRow(3, 2));
        assertThat(p.rules()).containsExactly(Invariants.Rule.STOCK);
    }

    @Test
    void aReservationLeftStandingOnAFailedOrderIsAnEffectViolation() {
        Picture p = new Picture();
        p.stock.put("S1", new Invariants.StockRow(3, 2));
        p.reservations.put("o2", new Invariants.Reservation("RESERVED", Map.of("S1", 1)));
        assertThat(p.rules()).contains(Invariants.Rule.EFFECTS).doesNotContain(Invariants.Rule.STOCK);
    }

    @Test
    void aGapInAStreamIsOutOfOrder() {
        Picture p = new Picture();
        p.events.get("o1").remove(1);
        assertThat(p.rules()).contains(Invariants.Rule.EVENT_ORDER);
    }

    @Test
    void anEventAfterTheEndIsOutOfOrder() {
        Picture p = new Picture();
        p.events.get("o1").add(event(5, "PaymentReceived"));
        assertThat(p.rules()).contains(Invariants.Rule.EVENT_ORDER);
    }

    @Test
    void aSubscriberSeeingAnOlderVersionInTheSameSubscriptionIsOutOfOrder() {
        Picture p = new Picture();
        p.seen.put("o1", List.of(new ChaosLoad.Seen(2, 2, "PAID", 1), new ChaosLoad.Seen(2, 1, "PENDING", 2), new ChaosLoad.Seen(2, 4, "SHIPPED", 3)));
        assertThat(p.rules()).containsExactly(Invariants.Rule.SUBSCRIBER_ORDER);
    }

    @Test
    void anUpdateDeliveredTwiceInOneSubscriptionIsAViolation() {
        Picture p = new Picture();
        p.seen.put("o1", List.of(new ChaosLoad.Seen(2, 2, "PAID", 1), new ChaosLoad.Seen(2, 2, "PAID", 2), new ChaosLoad.Seen(2, 4, "SHIPPED", 3)));
        assertThat(p.rules()).containsExactly(Invariants.Rule.SUBSCRIBER_ORDER);
    }

    @Test
    void aSubscriberSeeingAnotherEndThanTheStoreIsAViolation() {
        Picture p = new Picture();
        p.seen.put("o2", List.of(new ChaosLoad.Seen(2, 5, "SHIPPED", 1)));
        assertThat(p.rules()).containsExactly(Invariants.Rule.SUBSCRIBER_ORDER);
    }

    @Test
    void aShippedOrderWithoutItsShipmentIsAnEffectViolation() {
        Picture p = new Picture();
        p.shipments.remove("o1");
        assertThat(p.rules()).containsExactly(Invariants.Rule.EFFECTS);
    }

    @Test
    void aFailedOrderWhoseShipmentStandsIsAnEffectViolation() {
        Picture p = new Picture();
        p.shipments.put("o2", "CREATED");
        assertThat(p.rules()).containsExactly(Invariants.Rule.EFFECTS);
    }

    @Test
    void aReadModelBehindTheStoreIsAViolation() {
        Picture p = new Picture();
        p.readModel.put("o2", new Invariants.ReadOrder("COMPENSATING", 4, "COMPENSATING"));
        assertThat(p.rules()).containsExactly(Invariants.Rule.READ_MODEL);
        p.readModel.remove("o2");
        assertThat(p.rules()).containsExactly(Invariants.Rule.READ_MODEL);
    }

    @Test
    void aDeadLetterWithoutReasonIsAViolation() {
        Picture p = new Picture();
        p.deadLetters.add(new Invariants.DeadLetter("d2", "inventory", "inventory.requests", " "));
        assertThat(p.rules()).containsExactly(Invariants.Rule.DEAD_LETTERS);
    }

    @Test
    void anOrderFailedByAFaultRatherThanItsInputBreaksTheMix() {
        Picture p = new Picture();
        p.sent.set(0, new Invariants.SentOrder("k1", "c1", FailureMix.Kind.SHIP_FAIL, "o1", null, 10 * S));
        assertThat(p.rules()).containsExactly(Invariants.Rule.OUTCOMES);
        Picture q = new Picture();
        q.events.get("o2").set(4, failed(5, "PAYMENT_TIMEOUT: no answer within the retry budget"));
        assertThat(q.rules()).containsExactly(Invariants.Rule.OUTCOMES);
    }

    @Test
    void aRefusalLongAfterTheLastFaultEndedIsAnAvailabilityViolation() {
        Picture p = new Picture();
        p.refusals.add(new ChaosLoad.Refusal(141 * S, 141 * S, "UNAVAILABLE", GATEWAY));
        assertThat(p.check()).extracting(Invariants.Violation::detail).containsExactly(GATEWAY + " answered UNAVAILABLE 31.0 s after the last fault ended");
        Picture q = new Picture();
        q.refusals.add(new ChaosLoad.Refusal(50 * S, 51 * S, "no answer (connection refused)", GATEWAY));
        assertThat(q.rules()).containsExactly(Invariants.Rule.AVAILABILITY);
        // Sent just before the fault began and refused once it had: the fault is what it met.
        Picture r = new Picture();
        r.refusals.add(new ChaosLoad.Refusal(99 * S, 101 * S, "INTERNAL", GATEWAY));
        assertThat(r.rules()).isEmpty();
    }

    @Test
    void anOpenSubscriptionThatMissedAnOrdersEndIsAViolation() {
        Picture p = new Picture();
        p.seen.put("o3", List.of(new ChaosLoad.Seen(1, 4, "FAILED", 6)));
        assertThat(p.check()).extracting(Invariants.Violation::detail)
            .containsExactly("subscription 2, open throughout, never saw 1 of its orders end");
        Picture dropped = new Picture();
        dropped.seen.put("o3", List.of());
        dropped.subscriptions.set(1, new ChaosLoad.Subscription(2, java.util.Set.of("c1"), 5 * S, 20 * S));
        assertThat(dropped.check()).as("a dropped connection's losses show to its client").isEmpty();
    }
}
