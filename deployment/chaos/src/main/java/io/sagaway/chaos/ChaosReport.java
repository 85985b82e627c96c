package io.sagaway.chaos;

import io.sagaway.bench.FailureMix;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** The printed figures of a chaos run: orders, faults with their recovery, subscribers, and the invariants. */
final class ChaosReport {

    private static final int VIOLATIONS_LISTED = 25;

    private ChaosReport() {
    }

    /** How the platform came through one fault, from the moments subscribers saw orders finish. */
    record Recovery(double longestStallSeconds, double caughtUpSeconds, int inFlight, int unseen) {
    }

    static List<String> lines(ChaosOptions options, List<ChaosLoad.ClientOrder> orders, Invariants.Observed observed, List<Fault> faults,
                              ChaosLoad load, List<Invariants.Violation> violations, StoreReader.Settling settling, double settleSeconds,
                              long startNanos) {
        List<String> out = new ArrayList<>();
        out.add("chaos run: " + options.describe());
        long accepted = orders.stream().filter(o -> o.orderId != null).count();
        long retried = orders.stream().filter(o -> o.orderId != null && o.attempts > 1).count();
        Map<String, Long> givenUp = orders.stream().filter(o -> o.orderId == null)
            .collect(Collectors.groupingBy(o -> o.refusedCode == null ? "no answer yet" : o.refusedCode, TreeMap::new, Collectors.counting()));
        long answeredIds = orders.stream().filter(o -> o.orderId != null).map(o -> o.orderId).distinct().count();
        out.add(String.format(Locale.ROOT, "orders: %d sent, %d accepted (%d of them after a retry with the same key), %d not accepted %s; "
                + "%d stored in all (%d stored without an answer reaching the client)", orders.size(), accepted, retried,
            orders.size() - accepted, givenUp, observed.events().size(), observed.events().size() - answeredIds));
        out.add("retries by reason: " + load.retriesByReason());
        double acceptMax = orders.stream().filter(o -> o.orderId != null).mapToDouble(o -> (o.acceptedNanos - o.firstTryNanos) / 1e6).max().orElse(0);
        out.add(String.format(Locale.ROOT, "placeOrder accept, first try to answer: max %.0f ms", acceptMax));
        Map<String, Long> outcomes = observed.events().values().stream().map(events -> events.get(events.size() - 1))
            .collect(Collectors.groupingBy(last -> last.type() + (last.reason() == null ? "" : " " + FailureMix.reasonCode(last.reason())),
                TreeMap::new, Collectors.counting()));
        out.add("outcomes in the event store: " + outcomes);
        out.add(String.format(Locale.ROOT, "settled %.1f s after the load%s: %s", settleSeconds, settling.settled() ? "" : " (NOT settled)", settling));

        Map<String, Long> acceptedAt = orders.stream().filter(o -> o.orderId != null)
            .collect(Collectors.toMap(o -> o.orderId, o -> o.acceptedNanos, (a, b) -> a));
        Map<String, Long> finishedAt = load.terminalSeenNanos();
        out.add("faults injected: " + faults.stream().filter(Fault::injected).count() + " "
            + faults.stream().collect(Collectors.groupingBy(f -> f.kind().label(), TreeMap::new, Collectors.counting())));
        for (int i = 0; i < faults.size(); i++) {
            Fault fault = faults.get(i);
            long windowEnd = i + 1 < faults.size() ? faults.get(i + 1).startNanos() : Long.MAX_VALUE;
            Recovery recovery = recovery(fault, windowEnd, acceptedAt, finishedAt);
            out.add(String.format(Locale.ROOT, "  fault %d at %+.0f s: %-13s %-40s lasted %5.1f s; longest stall %5.1f s; "
                    + "the %d orders in flight caught up after %s%s — %s", i + 1, (fault.startNanos() - startNanos) / 1e9, fault.kind().label(),
                fault.target(), fault.seconds(), recovery.longestStallSeconds(), recovery.inFlight(),
                Double.isNaN(recovery.caughtUpSeconds()) ? "-" : String.format(Locale.ROOT, "%.1f s", recovery.caughtUpSeconds()),
                recovery.unseen() > 0 ? " (" + recovery.unseen() + " finished unseen by a subscriber)" : "", fault.detail()));
        }
        List<ChaosLoad.Reconnect> reconnects = load.reconnects();
        out.add(String.format(Locale.ROOT, "subscriber connections dropped and served again: %d%s", reconnects.size(),
            reconnects.isEmpty() ? "" : "; " + reconnects.stream().map(r -> String.format(Locale.ROOT, "%s -> %s after %.1f s",
                r.from().getPort(), r.to().getPort(), r.seconds())).collect(Collectors.joining(", "))));
        out.add("invariants:");
        Invariants.countByRule(violations).forEach((rule, count) -> out.add(String.format(Locale.ROOT, "  %-50s %s", rule.text(),
            count == 0 ? "ok" : count + " VIOLATED")));
        violations.stream().limit(VIOLATIONS_LISTED).forEach(v -> out.add("  - " + v.rule() + ": " + v.detail()));
        if (violations.size() > VIOLATIONS_LISTED) {
            out.add("  ... and " + (violations.size() - VIOLATIONS_LISTED) + " more");
        }
        out.add("violations: " + violations.size());
        return out;
    }

    /**
     * From the fault's start until the next fault (or the end): the longest time in which no order
     * was seen to finish (a stall still on at the next fault counts up to it), and how long until
     * every order in flight at the start had finished.
     */
    static Recovery recovery(Fault fault, long windowEnd, Map<String, Long> acceptedAt, Map<String, Long> finishedAt) {
        long[] finishes = finishedAt.values().stream().mapToLong(Long::longValue)
            .filter(t -> t >= fault.startNanos() && t < windowEnd).sorted().toArray();
        long previous = fault.startNanos();
        long longest = 0;
        for (long t : finishes) {
            longest = Math.max(longest, t - previous);
            previous = t;
        }
        // A stall still on when the next fault began counts up to then (what follows is the next fault's to answer for).
        if (windowEnd != Long.MAX_VALUE) {
            longest = Math.max(longest, windowEnd - previous);
        }
        int inFlight = 0;
        int unseen = 0;
        long caughtUp = Long.MIN_VALUE;
        for (var entry : acceptedAt.entrySet()) {
            if (entry.getValue() >= fault.startNanos()) {
                continue;
            }
            Long finished = finishedAt.get(entry.getKey());
            if (finished != null && finished < fault.startNanos()) {
                continue;
            }
            inFlight++;
            if (finished == null) {
                unseen++;
            } else {
                caughtUp = Math.max(caughtUp, finished - fault.startNanos());
            }
        }
        return new Recovery(longest / 1e9, caughtUp == Long.MIN_VALUE ? Double.NaN : caughtUp / 1e9, inFlight, unseen);
    }
}
