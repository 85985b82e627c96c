package io.sagaway.saga.domain;

import java.time.Duration;
import java.time.Instant;

/**
 * Timeouts and retries of the saga's steps. An action that gets no answer is asked again, with
 * backoff, for as long as its retry budget lasts: a budget of time, not a count of attempts, so a
 * participant that is down for a while (a restart, a consumer group rejoining) delays the order
 * instead of failing it. Only a participant's refusal, or the budget running out, fails a step.
 * Time during which no orchestrator ran does not count against the budget (see {@link #ON_TIME}).
 *
 * @param stepTimeout          how long one attempt of an action may take before it counts as timed out
 * @param retryBudget          how long an action may go unanswered, from its first attempt, before it counts as failed
 * @param backoffBase          wait before the first retry; doubles with each further attempt
 * @param backoffMax           the longest wait between attempts (compensations retry at this pace for ever)
 * @param compensationTimeout  how long one attempt of a compensation may take
 * @param flagAfter            compensation attempts after which the saga is flagged for an operator (it keeps retrying)
 */
public record SagaPolicy(Duration stepTimeout, Duration retryBudget, Duration backoffBase, Duration backoffMax,
                         Duration compensationTimeout, int flagAfter) {

    public static final SagaPolicy DEFAULT = new SagaPolicy(Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMillis(500),
        Duration.ofSeconds(30), Duration.ofSeconds(10), 5);

    /**
     * How late a timer may fire and still count. The sweep fires timers within a fraction of a
     * second; one that fires later than this passed while no orchestrator ran (a crash, a
     * restart): the attempt is sent again without counting, and the time it was late is not
     * charged to the step's budget.
     */
    public static final Duration ON_TIME = Duration.ofSeconds(2);

    public SagaPolicy {
        if (retryBudget.isNegative() || flagAfter < 1) {
            throw new IllegalArgumentException("retryBudget must not be negative and flagAfter must be at least 1");
        }
    }

    /** The wait before attempt {@code attempt} (2, 3, ...): base, 2×base, 4×base..., at most backoffMax. */
    public Duration backoffBefore(int attempt) {
        long factor = 1L << Math.min(20, Math.max(0, attempt - 2));
        Duration wait = backoffBase.multipliedBy(factor);
        return wait.compareTo(backoffMax) > 0 ? backoffMax : wait;
    }

    /** Whether a timer due at {@code due} and firing at {@code now} fired after the orchestrator was away. */
    public static boolean firedLate(Instant due, Instant now) {
        return Duration.between(due, now).compareTo(ON_TIME) > 0;
    }
}
