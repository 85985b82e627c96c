package io.sagaway.readmodel;

import java.util.Arrays;

/**
 * Projection lag: the time from an event's commit (carried in its envelope) to the moment
 * Elasticsearch acknowledged its document, as the projectors' notifications report it (from
 * whichever process they run in). Keeps the last value and a window of recent ones for percentiles.
 */
public final class ProjectionMetrics {

    private static final int WINDOW = 4096;

    private final long[] recent = new long[WINDOW];
    private int next;
    private int size;
    private long last = -1;
    private long count;

    public synchronized void record(long lagMs) {
        long lag = Math.max(0, lagMs);
        recent[next] = lag;
        next = (next + 1) % WINDOW;
        size = Math.min(size + 1, WINDOW);
        last = lag;
        count++;
    }

    /** The last measured lag in milliseconds, or -1 before any. */
    public synchronized long last() {
        return last;
    }

    public synchronized long count() {
        return count;
    }

    /** A percentile (0..100) of the recent window, or -1 before any measure. */
    public synchronized long percentile(double p) {
        if (size == 0) {
            return -1;
        }
        long[] sorted = Arrays.copyOf(recent, size);
        Arrays.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * size) - 1;
        return sorted[Math.max(0, Math.min(size - 1, index))];
    }
}
