package io.sagaway.saga.domain;

import java.time.Duration;

/**
 * Timeouts and retries of the saga's steps.
 *
 * @param stepTimeout          how long one attempt of an action may take before it counts as timed out
 * @param maxAttempts          attempts of an action before it counts as failed and compensation starts
 * @param backoffBase          wait before the first retry; doubles with each further attempt
 * @param backoffMax           the longest wait between attempts (compensations retry at this pace for ever)
 * @param compensationTimeout  how long one attempt of a compensation may take
 * @param flagAfter            compensation attempts after which the saga is flagged for an operator (it keeps retrying)
 */
public record SagaPolicy(Duration stepTimeout, int maxAttempts, Duration backoffBase, Duration backoffMax,
                         Duration compensationTimeout, int flagAfter) {

    public static final SagaPolicy DEFAULT = new SagaPolicy(Duration.ofSeconds(10), 3, Duration.ofMillis(500),
        Duration.ofSeconds(30), Duration.ofSeconds(10), 5);

    public SagaPolicy {
        if (maxAttempts < 1 || flagAfter < 1) {
            throw new IllegalArgumentException("maxAttempts and flagAfter must be at least 1");
        }
    }

    /** The wait before attempt {@code attempt} (2, 3, ...): base, 2×base, 4×base..., at most backoffMax. */
    public Duration backoffBefore(int attempt) {
        long factor = 1L << Math.min(20, Math.max(0, attempt - 2));
        Duration wait = backoffBase.multipliedBy(factor);
        return wait.compareTo(backoffMax) > 0 ? backoffMax : wait;
    }
}
