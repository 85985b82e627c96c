package io.sagaway.chaos;

import io.sagaway.bench.FailureMix;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What must hold after a chaos run, checked one order, one account and one SKU at a time against
 * what the stores hold and what the clients saw. Pure: {@link #check} takes everything it needs
 * in an {@link Observed}, so each rule is tested on its own (InvariantsTest).
 */
final class Invariants {

    static final Set<String> TERMINAL_SAGA_STATUSES = Set.of("COMPLETED", "FAILED");
    private static final Map<String, String> TERMINAL_EVENTS = Map.of("OrderShipped", "SHIPPED", "OrderFailed", "FAILED",
        "OrderCancelled", "CANCELLED");
    /** How long after a fault ended the API may still refuse an order (or not answer) before that counts. */
    static final long SERVE_AGAIN_WITHIN_SECONDS = 30;
    static final long SUBSCRIBED_WITHIN_SECONDS = 2;

    private Invariants() {
    }

    /** The invariants, by the names the report prints. */
    enum Rule {
        LOST("no accepted order is lost"),
        TERMINAL("every saga reaches a terminal state"),
        MONEY("money is conserved"),
        STOCK("stock is conserved"),
        EVENT_ORDER("per-order event order in the event store"),
        SUBSCRIBER_ORDER("per-order order in what subscribers saw"),
        SUBSCRIBER_COMPLETE("a subscription that stayed open saw each order end"),
        EFFECTS("each effect applied once, as the outcome says"),
        READ_MODEL("the read model equals the event store"),
        DEAD_LETTERS("no dead letter without a reason"),
        OUTCOMES("outcomes match the failure mix"),
        AVAILABILITY("the API serves within " + SERVE_AGAIN_WITHIN_SECONDS + " s of each fault's end");

        private final String text;

        Rule(String text) {
            this.text = text;
        }

        String text() {
            return text;
        }
    }

    record Violation(Rule rule, String detail) {
    }

    /** An order the client sent: its key, whom for, what it was meant to do, and the order id it was answered with (null if none). */
    record SentOrder(String idempotencyKey, String customerId, FailureMix.Kind kind, String orderId, String otherOrderId, long acceptedNanos) {
    }

    /** One event of an order's stream; {@code reason} for OrderFailed, {@code total} and {@code items} for OrderPlaced. */
    record StoredEvent(int version, String type, String customerId, BigDecimal total, Map<String, Integer> items, String reason) {
    }

    record Payment(String customerId, BigDecimal amount, String status) {
    }

    record Reservation(String status, Map<String, Integer> items) {
    }

    record StockRow(int available, int reserved) {
    }

    record DeadLetter(String id, String consumer, String topic, String error) {
    }

    /** The read model's order: its status, version and saga status, null when it has none. */
    record ReadOrder(String status, int version, String sagaStatus) {
    }

    /**
     * Everything the check needs.
     *
     * @param sent         every order the clients sent
     * @param events       each stored order's events, in version order, by order id
     * @param sagas        each saga's status, by order id
     * @param idempotency  the order id stored for each idempotency key
     * @param funded       what each customer was credited before the run; their accounts were new
     * @param stocked      what each SKU was stocked with before the run; new SKUs
     * @param readModel    the read model's view of each stored order (absent: not in the read model)
     * @param seen         the updates subscribers saw, by order id, in arrival order
     * @param refusals     the attempts at placing an order that came back without it
     * @param faults       the faults injected, each with its start and end
     * @param subscriptions the subscriber connections, with when each was opened and dropped
     */
    record Observed(List<SentOrder> sent, Map<String, List<StoredEvent>> events, Map<String, String> sagas, Map<String, String> idempotency,
                    Map<String, Payment> payments, Map<String, Reservation> reservations, Map<String, String> shipments,
                    Map<String, BigDecimal> funded, Map<String, BigDecimal> balances, Map<String, Integer> stocked,
                    Map<String, StockRow> stock, List<DeadLetter> deadLetters, Map<String, ReadOrder> readModel,
                    Map<String, List<ChaosLoad.Seen>> seen, List<ChaosLoad.Refusal> refusals, List<Fault> faults,
                    List<ChaosLoad.Subscription> subscriptions) {
    }

    static List<Violation> check(Observed o) {
        List<Violation> violations = new ArrayList<>();
        lost(o, violations);
        for (var entry : o.events().entrySet()) {
            String orderId = entry.getKey();
            List<StoredEvent> events = entry.getValue();
            if (!eventOrder(orderId, events, violations)) {
                continue;
            }
            String status = terminalStatus(events);
            terminal(o, orderId, status, violations);
            effects(o, orderId, events.get(0), status, violations);
            readModel(o, orderId, events, status, violations);
            subscribers(o, orderId, status, violations);
        }
        money(o, violations);
        stock(o, violations);
        deadLetters(o, violations);
        outcomes(o, violations);
        availability(o, violations);
        subscriptionsComplete(o, violations);
        return violations;
    }

    /** Each order the client was answered for is stored, under its key, once; a key never names two orders. */
    private static void lost(Observed o, List<Violation> violations) {
        for (SentOrder sent : o.sent()) {
            if (sent.otherOrderId() != null) {
                violations.add(new Violation(Rule.LOST, "key " + sent.idempotencyKey() + " was answered with two orders: "
                    + sent.orderId() + " and " + sent.otherOrderId()));
            }
            if (sent.orderId() == null) {
                continue;
            }
            if (!o.events().containsKey(sent.orderId())) {
                violations.add(new Violation(Rule.LOST, "order " + sent.orderId() + " (key " + sent.idempotencyKey()
                    + ") was accepted but is not in the event store"));
            }
            String stored = o.idempotency().get(sent.customerId() + "/" + sent.idempotencyKey());
            if (stored != null && !stored.equals(sent.orderId())) {
                violations.add(new Violation(Rule.LOST, "key " + sent.idempotencyKey() + " was answered with order " + sent.orderId()
                    + " but the store names " + stored));
            }
        }
    }

    /** Versions 1, 2, 3... with no gap, OrderPlaced first, one terminal event and nothing after it. */
    private static boolean eventOrder(String orderId, List<StoredEvent> events, List<Violation> violations) {
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).version() != i + 1) {
                violations.add(new Violation(Rule.EVENT_ORDER, "order " + orderId + ": event " + (i + 1) + " has version "
                    + events.get(i).version()));
                return false;
            }
        }
        if (events.isEmpty() || !"OrderPlaced".equals(events.get(0).type())) {
            violations.add(new Violation(Rule.EVENT_ORDER, "order " + orderId + " does not begin with OrderPlaced"));
            return false;
        }
        long terminals = events.stream().filter(e -> TERMINAL_EVENTS.containsKey(e.type())).count();
        if (terminals > 1 || terminals == 1 && !TERMINAL_EVENTS.containsKey(events.get(events.size() - 1).type())) {
            violations.add(new Violation(Rule.EVENT_ORDER, "order " + orderId + ": events after its end, or two ends: "
                + events.stream().map(StoredEvent::type).toList()));
            return false;
        }
        return true;
    }

    private static String terminalStatus(List<StoredEvent> events) {
        return TERMINAL_EVENTS.get(events.get(events.size() - 1).type());
    }

    private static void terminal(Observed o, String orderId, String status, List<Violation> violations) {
        String saga = o.sagas().get(orderId);
        if (status == null || saga == null || !TERMINAL_SAGA_STATUSES.contains(saga)) {
            violations.add(new Violation(Rule.TERMINAL, "order " + orderId + " is " + (status == null ? "not finished" : status)
                + ", its saga " + (saga == null ? "missing" : saga)));
        } else if ("SHIPPED".equals(status) != "COMPLETED".equals(saga)) {
            violations.add(new Violation(Rule.TERMINAL, "order " + orderId + " is " + status + " but its saga " + saga));
        }
    }

    /**
     * A shipped order was debited its total, reserved and shipped; any other has no debit, no
     * reservation and no shipment left. Rows are keyed by order, so an effect applied twice shows
     * in the balances and stock ({@link #money}, {@link #stock}); here each row must say what the outcome says.
     */
    private static void effects(Observed o, String orderId, StoredEvent placed, String status, List<Violation> violations) {
        if (status == null) {
            return;
        }
        Payment payment = o.payments().get(orderId);
        Reservation reservation = o.reservations().get(orderId);
        String shipment = o.shipments().get(orderId);
        boolean shipped = "SHIPPED".equals(status);
        String paymentStatus = payment == null ? null : payment.status();
        if (shipped != "DEBITED".equals(paymentStatus)) {
            violations.add(new Violation(Rule.EFFECTS, "order " + orderId + " is " + status + ", its payment " + paymentStatus));
        } else if (shipped && payment.amount().compareTo(placed.total()) != 0) {
            violations.add(new Violation(Rule.EFFECTS, "order " + orderId + " of " + placed.total() + " was debited " + payment.amount()));
        }
        String reservationStatus = reservation == null ? null : reservation.status();
        if (shipped != "RESERVED".equals(reservationStatus)) {
            violations.add(new Violation(Rule.EFFECTS, "order " + orderId + " is " + status + ", its reservation " + reservationStatus));
        }
        if (shipped != "CREATED".equals(shipment)) {
            violations.add(new Violation(Rule.EFFECTS, "order " + orderId + " is " + status + ", its shipment " + shipment));
        }
    }

    /** The read model's order has the store's last version and terminal status, and its saga the store's saga status. */
    private static void readModel(Observed o, String orderId, List<StoredEvent> events, String status, List<Violation> violations) {
        ReadOrder read = o.readModel().get(orderId);
        int version = events.get(events.size() - 1).version();
        if (read == null) {
            violations.add(new Violation(Rule.READ_MODEL, "order " + orderId + " is not in the read model"));
        } else if (read.version() != version || !Objects.equals(read.status(), status)
            || !Objects.equals(read.sagaStatus(), o.sagas().get(orderId))) {
            violations.add(new Violation(Rule.READ_MODEL, "order " + orderId + ": read model " + read.status() + " v" + read.version()
                + " (saga " + read.sagaStatus() + "), event store " + status + " v" + version + " (saga " + o.sagas().get(orderId) + ")"));
        }
    }

    /**
     * Within one subscription, an order's updates come in rising versions, each once; a terminal
     * status seen is the stored one. A new subscription (after a reconnect) starts its own sequence.
     */
    private static void subscribers(Observed o, String orderId, String status, List<Violation> violations) {
        List<ChaosLoad.Seen> updates = o.seen().getOrDefault(orderId, List.of());
        Map<Integer, Integer> lastVersion = new HashMap<>();
        for (ChaosLoad.Seen update : updates) {
            Integer last = lastVersion.put(update.epoch(), update.version());
            if (last != null && update.version() <= last) {
                violations.add(new Violation(Rule.SUBSCRIBER_ORDER, "order " + orderId + ": subscription " + update.epoch()
                    + " saw version " + update.version() + " after version " + last));
            }
            if (FailureMix.TERMINAL_STATUSES.contains(update.status()) && !update.status().equals(status)) {
                violations.add(new Violation(Rule.SUBSCRIBER_ORDER, "order " + orderId + ": a subscriber saw " + update.status()
                    + ", the event store ends in " + status));
            }
        }
    }

    /** Each account holds what it was funded with, less the debits of its orders that stand (refunds returned). */
    private static void money(Observed o, List<Violation> violations) {
        Map<String, BigDecimal> debited = new HashMap<>();
        o.payments().values().stream().filter(p -> "DEBITED".equals(p.status()))
            .forEach(p -> debited.merge(p.customerId(), p.amount(), BigDecimal::add));
        for (var entry : o.funded().entrySet()) {
            BigDecimal expected = entry.getValue().subtract(debited.getOrDefault(entry.getKey(), BigDecimal.ZERO));
            BigDecimal balance = o.balances().get(entry.getKey());
            if (balance == null || balance.compareTo(expected) != 0) {
                violations.add(new Violation(Rule.MONEY, "account " + entry.getKey() + " holds " + balance + ", expected " + expected
                    + " (funded " + entry.getValue() + ", standing debits " + debited.getOrDefault(entry.getKey(), BigDecimal.ZERO) + ")"));
            }
        }
    }

    /** Each SKU's available stock is what it was stocked with less its standing reservations, which are exactly what it holds reserved. */
    private static void stock(Observed o, List<Violation> violations) {
        Map<String, Integer> reserved = new HashMap<>();
        o.reservations().values().stream().filter(r -> "RESERVED".equals(r.status()))
            .forEach(r -> r.items().forEach((sku, quantity) -> reserved.merge(sku, quantity, Integer::sum)));
        for (var entry : o.stocked().entrySet()) {
            int held = reserved.getOrDefault(entry.getKey(), 0);
            StockRow row = o.stock().get(entry.getKey());
            if (row == null || row.available() != entry.getValue() - held || row.reserved() != held) {
                violations.add(new Violation(Rule.STOCK, "SKU " + entry.getKey() + " has " + (row == null ? "no row"
                    : row.available() + " available and " + row.reserved() + " reserved") + ", expected " + (entry.getValue() - held)
                    + " and " + held + " (stocked " + entry.getValue() + ")"));
            }
        }
    }

    private static void deadLetters(Observed o, List<Violation> violations) {
        o.deadLetters().stream().filter(d -> d.error() == null || d.error().isBlank()).forEach(d -> violations.add(
            new Violation(Rule.DEAD_LETTERS, "dead letter " + d.id() + " of " + d.consumer() + " on " + d.topic() + " has no reason")));
    }

    /** Each answered order ended as its kind says: no order failed because of a fault rather than its own input. */
    private static void outcomes(Observed o, List<Violation> violations) {
        for (SentOrder sent : o.sent()) {
            List<StoredEvent> events = sent.orderId() == null ? null : o.events().get(sent.orderId());
            if (events == null || events.isEmpty()) {
                continue;
            }
            StoredEvent last = events.get(events.size() - 1);
            String status = TERMINAL_EVENTS.get(last.type());
            if (status != null && !sent.kind().expects(status, FailureMix.reasonCode(last.reason()))) {
                violations.add(new Violation(Rule.OUTCOMES, "order " + sent.orderId() + " meant as " + sent.kind() + " ended " + status
                    + (last.reason() == null ? "" : ": " + last.reason())));
            }
        }
    }

    /**
     * An attempt refused, or left without an answer, is excused only when it was in flight during a fault or within
     * {@value #SERVE_AGAIN_WITHIN_SECONDS} s of its end: after that, a process that came back
     * (and says it is ready) must serve.
     */
    private static void availability(Observed o, List<Violation> violations) {
        long grace = SERVE_AGAIN_WITHIN_SECONDS * 1_000_000_000L;
        for (ChaosLoad.Refusal refusal : o.refusals()) {
            // In flight while a fault ran (sent just before it began counts too: the fault is what it met).
            boolean excused = o.faults().stream()
                .anyMatch(f -> refusal.answeredNanos() >= f.startNanos() && refusal.sentNanos() <= f.endNanos() + grace);
            if (!excused) {
                long since = o.faults().stream().filter(f -> f.endNanos() <= refusal.sentNanos())
                    .mapToLong(f -> refusal.sentNanos() - f.endNanos()).min().orElse(-1);
                violations.add(new Violation(Rule.AVAILABILITY, refusal.gateway() + " answered " + refusal.reason()
                    + (since < 0 ? " before any fault" : String.format(java.util.Locale.ROOT, " %.1f s after the last fault ended", since / 1e9))));
            }
        }
    }

    /**
     * A subscription whose connection never dropped sees every order of its customers reach its
     * end, whatever happened to the gateway meanwhile (a pause, a broker restart). Orders accepted
     * in its first {@value #SUBSCRIBED_WITHIN_SECONDS} s are left out: the server registers a
     * subscription a moment after the client sent it.
     */
    private static void subscriptionsComplete(Observed o, List<Violation> violations) {
        long settle = SUBSCRIBED_WITHIN_SECONDS * 1_000_000_000L;
        for (ChaosLoad.Subscription subscription : o.subscriptions()) {
            if (subscription.closedNanos() != Long.MAX_VALUE) {
                continue;
            }
            long missed = o.sent().stream().filter(s -> s.orderId() != null && subscription.customers().contains(s.customerId())
                    && s.acceptedNanos() >= subscription.openedNanos() + settle && o.events().containsKey(s.orderId()))
                .filter(s -> o.seen().getOrDefault(s.orderId(), List.of()).stream()
                    .noneMatch(seen -> seen.epoch() == subscription.epoch() && FailureMix.TERMINAL_STATUSES.contains(seen.status())))
                .count();
            if (missed > 0) {
                violations.add(new Violation(Rule.SUBSCRIBER_COMPLETE, "subscription " + subscription.epoch() + ", open throughout, never saw "
                    + missed + " of its orders end"));
            }
        }
    }

    /** Violations counted by rule, every rule present. */
    static Map<Rule, Long> countByRule(List<Violation> violations) {
        Map<Rule, Long> counts = new EnumMap<>(Rule.class);
        for (Rule rule : Rule.values()) {
            counts.put(rule, violations.stream().filter(v -> v.rule() == rule).count());
        }
        return counts;
    }
}
