package io.sagaway.saga.domain;

import java.time.Instant;
import java.util.Map;

/**
 * One step of one saga.
 *
 * @param attempts             attempts of the action so far
 * @param compensationAttempts attempts of the compensation so far
 * @param deadline             when the attempt in flight times out, or null
 * @param retryAt              when the next attempt is due, or null
 * @param mustCompensate       whether the action ran, or may have run, and so must be undone on failure
 * @param result               what the participant made: payment id, reservation id, tracking number...
 * @param budgetFrom           when the action's retry budget started counting: its first attempt, moved later by any
 *                             time no orchestrator ran; null in states stored before budgets, which count from startedAt
 */
public record StepState(
    SagaStepName name,
    StepStatus status,
    int attempts,
    int compensationAttempts,
    Instant startedAt,
    Instant finishedAt,
    String error,
    Instant deadline,
    Instant retryAt,
    boolean mustCompensate,
    Map<String, String> result,
    Instant budgetFrom
) {
    public StepState {
        result = result == null ? Map.of() : Map.copyOf(result);
    }

    public static StepState pending(SagaStepName name) {
        return new StepState(name, StepStatus.PENDING, 0, 0, null, null, null, null, null, false, Map.of(), null);
    }

    StepState with(StepStatus newStatus) {
        return new StepState(name, newStatus, attempts, compensationAttempts, startedAt, finishedAt, error, deadline, retryAt,
            mustCompensate, result, budgetFrom);
    }

    StepState timing(Instant newDeadline, Instant newRetryAt) {
        return new StepState(name, status, attempts, compensationAttempts, startedAt, finishedAt, error, newDeadline, newRetryAt,
            mustCompensate, result, budgetFrom);
    }

    StepState attempt(int newAttempts, int newCompensationAttempts) {
        return new StepState(name, status, newAttempts, newCompensationAttempts, startedAt, finishedAt, error, deadline, retryAt,
            mustCompensate, result, budgetFrom);
    }

    StepState started(Instant at) {
        return new StepState(name, status, attempts, compensationAttempts, at, finishedAt, error, deadline, retryAt,
            mustCompensate, result, budgetFrom);
    }

    StepState finished(Instant at) {
        return new StepState(name, status, attempts, compensationAttempts, startedAt, at, error, deadline, retryAt,
            mustCompensate, result, budgetFrom);
    }

    StepState failing(String newError) {
        return new StepState(name, status, attempts, compensationAttempts, startedAt, finishedAt, newError, deadline, retryAt,
            mustCompensate, result, budgetFrom);
    }

    StepState compensate(boolean must) {
        return new StepState(name, status, attempts, compensationAttempts, startedAt, finishedAt, error, deadline, retryAt,
            must, result, budgetFrom);
    }

    StepState withResult(Map<String, String> newResult) {
        return new StepState(name, status, attempts, compensationAttempts, startedAt, finishedAt, error, deadline, retryAt,
            mustCompensate, newResult, budgetFrom);
    }

    StepState budgetFrom(Instant at) {
        return new StepState(name, status, attempts, compensationAttempts, startedAt, finishedAt, error, deadline, retryAt,
            mustCompensate, result, at);
    }

    /** When the action's retry budget started counting. */
    Instant budgetStart() {
        return budgetFrom != null ? budgetFrom : startedAt;
    }

    /** The earliest moment this step needs attention (a deadline or a retry), or null. */
    public Instant nextWakeup() {
        if (deadline == null) {
            return retryAt;
        }
        return retryAt == null || deadline.isBefore(retryAt) ? deadline : retryAt;
    }
}
