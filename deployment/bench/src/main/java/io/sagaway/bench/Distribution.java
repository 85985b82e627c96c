package io.sagaway.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/**
 * A summary of measured values: how many, and the nearest-rank percentiles (the smallest value
 * with at least p% of the values at or below it, so every figure is one that was measured).
 * Empty when nothing was measured; its percentiles are then NaN.
 */
record Distribution(long count, double p50, double p90, double p99, double max) {

    static final Distribution EMPTY = new Distribution(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    static Distribution of(Collection<? extends Number> values) {
        return of(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    static Distribution of(double[] values) {
        if (values.length == 0) {
            return EMPTY;
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return new Distribution(sorted.length, percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
            sorted[sorted.length - 1]);
    }

    /** The nearest-rank percentile {@code p} (0..100) of ascending {@code sorted} values, which must not be empty. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0 || p < 0 || p > 100) {
            throw new IllegalArgumentException("a percentile (0..100) of at least one value");
        }
        // p × n first: exact for whole percentages, where p / 100 × n could land a hair above a whole rank and skip one.
        int rank = (int) Math.ceil(p * sorted.length / 100);
        return sorted[Math.max(0, rank - 1)];
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** One line: the label, then n and every percentile, or "no samples". */
    String line(String label) {
        if (isEmpty()) {
            return String.format(Locale.ROOT, "%-52s no samples", label);
        }
        return String.format(Locale.ROOT, "%-52s n=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f", label, count, p50, p90, p99, max);
    }
}
