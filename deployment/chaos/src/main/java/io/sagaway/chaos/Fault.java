package io.sagaway.chaos;

import java.util.Arrays;
import java.util.Locale;

/**
 * One fault the run injected: what, to whom, and when it began and ended (process restarted and
 * ready, service answering again), as {@link System#nanoTime()} readings.
 */
record Fault(Kind kind, String target, long startNanos, long endNanos, String detail) {

    /** The kinds of fault, by the names {@code --faults} takes. */
    enum Kind {
        /** {@code kill -9} of a platform process, then its restart with the same settings. */
        KILL("kill"),
        /** {@code SIGSTOP} of a platform process for longer than a session timeout, then {@code SIGCONT}. */
        PAUSE("pause"),
        KAFKA("kafka"),
        POSTGRESQL("postgresql"),
        ELASTICSEARCH("elasticsearch"),
        /** {@code FLUSHALL}: every idempotency claim and cached marker gone at once. */
        REDIS("redis");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }

        static Kind parse(String label) {
            return Arrays.stream(values()).filter(k -> k.label.equals(label.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown fault '" + label + "': one of "
                    + Arrays.stream(values()).map(Kind::label).toList()));
        }
    }

    static final String NOT_INJECTED = "not injected: ";

    /** A fault that could not be injected, and why. */
    static Fault notInjected(Kind kind, String why) {
        long now = System.nanoTime();
        return new Fault(kind, "?", now, now, NOT_INJECTED + why);
    }

    boolean injected() {
        return !detail.startsWith(NOT_INJECTED);
    }

    double seconds() {
        return (endNanos - startNanos) / 1e9;
    }
}
