package io.sagaway.bench;

import java.util.Arrays;

/** Measured values added from any thread (HTTP and WebSocket callbacks run on several event loops), summarised at the end. */
final class Samples {

    private double[] values = new double[1024];
    private int size;

    synchronized void add(double value) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = value;
    }

    synchronized Distribution distribution() {
        return Distribution.of(Arrays.copyOf(values, size));
    }
}
