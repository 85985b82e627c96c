package io.sagaway.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The figures of one load-generator run. Latencies and the completion rate are of the steady
 * state (orders due after the warm-up; completions seen between the warm-up and the end of the
 * load, not during the drain); counts, errors and outcomes are of every order the run placed.
 *
 * @param rawLimits         the services' raw limits measured before the load, if they were
 * @param orders            counts, latencies, errors and outcomes of the orders
 * @param completedPerSecond sagas that reached a terminal status per second of steady state
 * @param projectionLagMillis {@code platformStats.projectionLagMs}, sampled every 500 ms during the steady state
 * @param budgetReached     whether the run stopped placing orders early, at its order budget
 * @param cpu               CPU time of each co-located process during the steady state, when the platform runs on this machine
 */
record Report(URI url, String description, Optional<RawLimits.Figures> rawLimits, OrderLedger.Totals orders, double completedPerSecond,
              Distribution projectionLagMillis, Duration timeout, long orderBudget, boolean budgetReached,
              Optional<ProcessCpu.Usage> cpu) {

    private static final String FORMAT = "%-70s %s";

    long placed() {
        return orders.placed();
    }

    long completed() {
        return orders.completed();
    }

    /** How many orders ended with terminal {@code status} (SHIPPED, FAILED, CANCELLED). */
    long outcome(String status) {
        return orders.outcomes().getOrDefault(status, 0L);
    }

    /** The report, one figure per line. */
    List<String> lines() {
        List<String> lines = new ArrayList<>();
        lines.add("Load against " + url + ": " + description);
        rawLimits.ifPresent(raw -> {
            lines.add(line("raw PostgreSQL single-row INSERT commits, pool of " + RawLimits.POSTGRES_CONNECTIONS + " (commits/s)",
                Bench.rate(raw.postgresCommitsPerSecond())));
            lines.add(line("raw Kafka produce, acks=all, idempotent, " + RawLimits.KAFKA_RECORD_BYTES + "-byte records (records/s)",
                Bench.rate(raw.kafkaRecordsPerSecond())));
            lines.add(line("raw Elasticsearch bulk index, batches of " + RawLimits.BULK_BATCH + " (docs/s)",
                Bench.rate(raw.elasticsearchDocsPerSecond())));
        });
        lines.add(line("orders placed", orders.placed()));
        lines.add(line("orders accepted", orders.accepted()));
        lines.add(line("sagas completed (terminal status seen by the subscriber)", orders.completed()));
        Distribution accept = orders.acceptMillis();
        lines.add(line("placeOrder accept latency p50 (ms)", millis(accept, accept.p50())));
        lines.add(line("placeOrder accept latency p90 (ms)", millis(accept, accept.p90())));
        lines.add(line("placeOrder accept latency p99 (ms)", millis(accept, accept.p99())));
        lines.add(line("placeOrder accept latency max (ms)", millis(accept, accept.max())));
        Distribution completion = orders.completionMillis();
        lines.add(line("saga completion latency, accepted to terminal status seen, p50 (ms)", millis(completion, completion.p50())));
        lines.add(line("saga completion latency, accepted to terminal status seen, p99 (ms)", millis(completion, completion.p99())));
        // The longest saga shows a stall (a killed process, a fault) that the percentiles average away.
        lines.add(line("saga completion latency, accepted to terminal status seen, max (ms)", millis(completion, completion.max())));
        lines.add(line("completed sagas per second, steady state", String.format(Locale.ROOT, "%.1f", completedPerSecond)));
        rawLimits.ifPresent(raw -> lines.addAll(ratios(raw)));
        cpu.ifPresent(usage -> lines.addAll(whereTheCpuGoes(usage)));
        lines.add(line("projection lag p50 (ms)", millis(projectionLagMillis, projectionLagMillis.p50())));
        lines.add(line("projection lag p99 (ms)", millis(projectionLagMillis, projectionLagMillis.p99())));
        if (orders.errorsByCode().isEmpty()) {
            lines.add(line("errors (GraphQL, by extensions.code)", 0));
        }
        orders.errorsByCode().forEach((code, count) -> lines.add(line("errors " + code, count)));
        if (orders.transportErrors().isEmpty()) {
            lines.add(line("transport errors (no GraphQL answer, broken subscriptions)", 0));
        }
        orders.transportErrors().forEach((what, count) -> lines.add(line("transport errors: " + what, count)));
        lines.add(line("outcome SHIPPED", outcome("SHIPPED")));
        lines.add(line("outcome FAILED", outcome("FAILED")));
        orders.failureReasons().forEach((reason, count) -> lines.add(line("outcome FAILED with " + reason, count)));
        lines.add(line("outcome CANCELLED", outcome("CANCELLED")));
        lines.add(line("outcome not finished within " + timeout.toSeconds() + " s", orders.notFinished()));
        lines.add(line("outcomes other than the failure mix meant", orders.unexpectedOutcomes()));
        if (budgetReached) {
            lines.add("note: the run reached its budget of " + orderBudget + " orders (the stock and money topped up) and stopped placing early");
        }
        return lines;
    }

    /**
     * The completion rate against each raw limit, both ways. These are ratios of capacities, not
     * counts of the work a saga does: "per saga" is how much raw capacity of that service each
     * completed saga per second stands for on this machine.
     */
    private List<String> ratios(RawLimits.Figures raw) {
        List<String> lines = new ArrayList<>();
        lines.add("note: \"capacity per completed saga\" is a raw limit divided by the saga throughput, not a count of what a saga writes");
        lines.add(line("completed sagas/s as a share of raw PostgreSQL commits/s", ratio(completedPerSecond, raw.postgresCommitsPerSecond())));
        lines.add(line("raw PostgreSQL commit capacity per completed saga (commits)", perSaga(raw.postgresCommitsPerSecond())));
        lines.add(line("completed sagas/s as a share of raw Kafka records/s", ratio(completedPerSecond, raw.kafkaRecordsPerSecond())));
        lines.add(line("raw Kafka produce capacity per completed saga (records)", perSaga(raw.kafkaRecordsPerSecond())));
        lines.add(line("completed sagas/s as a share of raw Elasticsearch docs/s", ratio(completedPerSecond, raw.elasticsearchDocsPerSecond())));
        lines.add(line("raw Elasticsearch bulk capacity per completed saga (docs)", perSaga(raw.elasticsearchDocsPerSecond())));
        return lines;
    }

    /** CPU of each co-located process over the steady state: cores busy, and milliseconds per completed saga. */
    private List<String> whereTheCpuGoes(ProcessCpu.Usage usage) {
        List<String> lines = new ArrayList<>();
        long sagas = orders.completedInSteadyState();
        lines.add(line("CPU, all processes below (cores busy of " + Runtime.getRuntime().availableProcessors() + ")",
            String.format(Locale.ROOT, "%.2f", usage.totalCores())));
        for (ProcessCpu.Part part : ProcessCpu.Part.values()) {
            lines.add(line("CPU " + part.label + " (cores busy; ms per completed saga)", String.format(Locale.ROOT, "%.2f; %.2f",
                usage.coresOf(part), usage.millisPerSaga(part, sagas))));
        }
        return lines;
    }

    private static String ratio(double part, double whole) {
        return whole > 0 ? String.format(Locale.ROOT, "%.3g", part / whole) : "n/a";
    }

    private String perSaga(double raw) {
        return completedPerSecond > 0 ? String.format(Locale.ROOT, "%,.0f", raw / completedPerSecond) : "n/a (no saga completed)";
    }

    private static String millis(Distribution distribution, double value) {
        return distribution.isEmpty() ? "no samples" : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String line(String label, Object value) {
        return String.format(Locale.ROOT, FORMAT, label, value);
    }
}
