package io.sagaway.saga.domain;

import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.OrderItem;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A saga's whole state at one version: what the orchestrator stores (the timeline is stored
 * beside it, append-only) and what queries show.
 */
public record SagaState(
    String sagaId,
    String orderId,
    OrderData order,
    SagaStatus status,
    SagaStepName currentStep,
    SagaStepName failedStep,
    String failureReason,
    boolean cancelRequested,
    boolean flagged,
    String flagReason,
    List<StepState> steps,
    int version,
    Instant startedAt,
    Instant updatedAt,
    Instant finishedAt
) {
    /** What the steps need to know of the order. */
    public record OrderData(String customerId, List<OrderItem> items, Address shippingAddress, String currency,
                            BigDecimal totalAmount) {
    }

    /** A new saga: running, every step pending, at version 0 (the first change makes it 1). */
    static SagaState started(String sagaId, String orderId, OrderData order, List<SagaStepName> steps, Instant at) {
        return new SagaState(sagaId, orderId, order, SagaStatus.RUNNING, null, null, null, false, false, null,
            steps.stream().map(StepState::pending).toList(), 0, at, at, null);
    }

    // Copies with one thing changed, as StepState has: the saga changes its state only through these.

    SagaState withStatus(SagaStatus newStatus) {
        return new SagaState(sagaId, orderId, order, newStatus, currentStep, failedStep, failureReason, cancelRequested, flagged,
            flagReason, steps, version, startedAt, updatedAt, finishedAt);
    }

    SagaState withCurrentStep(SagaStepName step) {
        return new SagaState(sagaId, orderId, order, status, step, failedStep, failureReason, cancelRequested, flagged,
            flagReason, steps, version, startedAt, updatedAt, finishedAt);
    }

    /** The step that failed (null for a cancellation) and why the saga is compensating. */
    SagaState withFailure(SagaStepName step, String reason) {
        return new SagaState(sagaId, orderId, order, status, currentStep, step, reason, cancelRequested, flagged,
            flagReason, steps, version, startedAt, updatedAt, finishedAt);
    }

    SagaState withCancelRequested(boolean requested) {
        return new SagaState(sagaId, orderId, order, status, currentStep, failedStep, failureReason, requested, flagged,
            flagReason, steps, version, startedAt, updatedAt, finishedAt);
    }

    /** Flagged for an operator, for {@code reason}; a null reason lowers the flag. */
    SagaState withFlag(String reason) {
        return new SagaState(sagaId, orderId, order, status, currentStep, failedStep, failureReason, cancelRequested, reason != null,
            reason, steps, version, startedAt, updatedAt, finishedAt);
    }

    /** {@code step} in place of the step of its name. */
    SagaState withStep(StepState step) {
        List<StepState> newSteps = new ArrayList<>(steps);
        newSteps.replaceAll(s -> s.name() == step.name() ? step : s);
        return new SagaState(sagaId, orderId, order, status, currentStep, failedStep, failureReason, cancelRequested, flagged,
            flagReason, List.copyOf(newSteps), version, startedAt, updatedAt, finishedAt);
    }

    SagaState withFinishedAt(Instant at) {
        return new SagaState(sagaId, orderId, order, status, currentStep, failedStep, failureReason, cancelRequested, flagged,
            flagReason, steps, version, startedAt, updatedAt, at);
    }

    /** The next version, changed at {@code at}. */
    SagaState withNextVersion(Instant at) {
        return new SagaState(sagaId, orderId, order, status, currentStep, failedStep, failureReason, cancelRequested, flagged,
            flagReason, steps, version + 1, startedAt, at, finishedAt);
    }

    public StepState step(SagaStepName name) {
        return steps.stream().filter(s -> s.name() == name).findFirst().orElseThrow();
    }

    /** The earliest deadline or retry time over all steps, or null when nothing is pending. */
    public Instant nextWakeup() {
        return steps.stream().map(StepState::nextWakeup).filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
    }
}
