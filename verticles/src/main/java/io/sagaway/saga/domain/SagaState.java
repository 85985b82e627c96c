package io.sagaway.saga.domain;

import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.OrderItem;

import java.math.BigDecimal;
import java.time.Instant;
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

    public StepState step(SagaStepName name) {
        return steps.stream().filter(s -> s.name() == name).findFirst().orElseThrow();
    }

    /** The earliest deadline or retry time over all steps, or null when nothing is pending. */
    public Instant nextWakeup() {
        return steps.stream().map(StepState::nextWakeup).filter(Objects::nonNull).min(Instant::compareTo).orElse(null);
    }
}
