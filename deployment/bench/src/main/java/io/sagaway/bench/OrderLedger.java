package io.sagaway.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the load generator knows of its orders: placed, accepted or refused, and the terminal
 * status each reached as the subscriber saw it. Safe to update from any thread (HTTP responses and
 * WebSocket messages arrive on several event loops). Times are {@link System#nanoTime()}; an
 * order belongs to the steady state when it was due at or after the end of the warm-up.
 */
final class OrderLedger {

    /** Terminal statuses kept for orders whose acceptance has not come back yet; others' orders of the same customers are dropped past this. */
    private static final int UNCLAIMED_LIMIT = 10_000;

    private final long warmupEndNanos;
    private final long loadEndNanos;

    private final LongAdder placed = new LongAdder();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder completedInSteadyState = new LongAdder();
    private final LongAdder transportFailed = new LongAdder();
    private final LongAdder unexpectedOutcomes = new LongAdder();
    private final Counts errorsByCode = new Counts();
    private final Counts transportErrors = new Counts();
    private final Counts outcomes = new Counts();
    private final Counts failureReasons = new Counts();
    private final Samples acceptMillis = new Samples();
    private final Samples completionMillis = new Samples();

    /** Accepted orders awaiting their terminal status; guarded by {@code this} together with {@link #unclaimed}. */
    private final Map<String, Running> running = new HashMap<>();
    private final Map<String, Terminal> unclaimed = new HashMap<>();

    private record Running(FailureMix.Kind kind, boolean steady, long acceptedNanos, Promise<String> terminal) {
    }

    private record Terminal(String status, String reason, long seenNanos) {
    }

    /** A moment's counts, for the progress line. */
    record Progress(long placed, long accepted, long completed, long inFlight, long errors) {
    }

    /** The figures of the whole run. */
    record Totals(long placed, long accepted, long completed, long completedInSteadyState, long notFinished, long unexpectedOutcomes,
                  Distribution acceptMillis, Distribution completionMillis, Map<String, Long> errorsByCode,
                  Map<String, Long> transportErrors, Map<String, Long> outcomes, Map<String, Long> failureReasons) {
    }

    OrderLedger(long warmupEndNanos, long loadEndNanos) {
        this.warmupEndNanos = warmupEndNanos;
        this.loadEndNanos = loadEndNanos;
    }

    void placed() {
        placed.increment();
    }

    /**
     * Order {@code orderId}, due at {@code dueNanos}, was accepted at {@code acceptedNanos}. Its
     * accept latency counts from when it was due, so a client falling behind its schedule shows
     * in the figures instead of hiding the platform's slowness (coordinated omission).
     *
     * @return the terminal status, once the subscriber sees it
     */
    Future<String> accepted(String orderId, FailureMix.Kind kind, long dueNanos, long acceptedNanos) {
        accepted.increment();
        boolean steady = dueNanos >= warmupEndNanos;
        if (steady) {
            acceptMillis.add(millis(acceptedNanos - dueNanos));
        }
        Running order = new Running(kind, steady, acceptedNanos, Promise.promise());
        Terminal early;
        synchronized (this) {
            early = unclaimed.remove(orderId);
            if (early == null) {
                running.put(orderId, order);
            }
        }
        if (early != null) {
            finished(order, early);
        }
        return order.terminal().future();
    }

    /** The platform refused an order with a GraphQL error. */
    void refused(String code) {
        errorsByCode.add(code);
    }

    /** No GraphQL answer came back for an order. */
    void transportFailed(String what) {
        transportFailed.increment();
        transportErrors.add(what);
    }

    /** A transport problem outside any order (a subscription that ended, a failed sample): counted with the transport errors. */
    void connectionTrouble(String what) {
        transportErrors.add(what);
    }

    /** An update the subscriber saw at {@code seenNanos}; only terminal statuses matter here. */
    void update(String orderId, String status, String reason, long seenNanos) {
        if (!FailureMix.TERMINAL_STATUSES.contains(status)) {
            return;
        }
        Terminal terminal = new Terminal(status, reason, seenNanos);
        Running order;
        synchronized (this) {
            order = running.remove(orderId);
            if (order == null && unclaimed.size() < UNCLAIMED_LIMIT) {
                // The acceptance may still be on its way: the subscriber and the HTTP client run on different event loops.
                unclaimed.put(orderId, terminal);
            }
        }
        if (order != null) {
            finished(order, terminal);
        }
    }

    private void finished(Running order, Terminal terminal) {
        if (terminal.seenNanos() >= warmupEndNanos && terminal.seenNanos() < loadEndNanos) {
            completedInSteadyState.increment();
        }
        if (order.steady()) {
            completionMillis.add(millis(terminal.seenNanos() - order.acceptedNanos()));
        }
        outcomes.add(terminal.status());
        String code = FailureMix.reasonCode(terminal.reason());
        if ("FAILED".equals(terminal.status())) {
            failureReasons.add(code == null ? "no reason given" : code);
        }
        if (!order.kind().expects(terminal.status(), code)) {
            unexpectedOutcomes.increment();
        }
        order.terminal().tryComplete(terminal.status());
    }

    Progress progress() {
        long done = outcomes.total();
        long errors = errorsByCode.total() + transportFailed.sum();
        return new Progress(placed.sum(), accepted.sum(), done, placed.sum() - done - errors, errors);
    }

    /** Whether every placed order has an answer and every accepted one a terminal status. */
    boolean settled() {
        Progress now = progress();
        return now.inFlight() <= 0;
    }

    Totals totals() {
        long notFinished;
        synchronized (this) {
            notFinished = running.size();
        }
        return new Totals(placed.sum(), accepted.sum(), outcomes.total(), completedInSteadyState.sum(), notFinished,
            unexpectedOutcomes.sum(), acceptMillis.distribution(), completionMillis.distribution(), errorsByCode.snapshot(),
            transportErrors.snapshot(), outcomes.snapshot(), failureReasons.snapshot());
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    /** Counts by name, safe from any thread. */
    private static final class Counts {
        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

        void add(String name) {
            counts.computeIfAbsent(name, n -> new LongAdder()).increment();
        }

        long total() {
            return counts.values().stream().mapToLong(LongAdder::sum).sum();
        }

        Map<String, Long> snapshot() {
            Map<String, Long> copy = new TreeMap<>();
            counts.forEach((name, count) -> copy.put(name, count.sum()));
            return copy;
        }
    }
}
