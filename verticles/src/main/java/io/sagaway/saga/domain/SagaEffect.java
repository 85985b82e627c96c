package io.sagaway.saga.domain;

import io.sagaway.order.domain.OrderCommand;

import java.util.UUID;

/** What the saga asks the world to do after a change; the orchestrator commits these with the new state. */
public sealed interface SagaEffect {

    /** Ask a participant to do (or, when {@code compensation}, undo) a step; {@code requestId} is the message id. */
    record SendStepRequest(SagaStepName step, boolean compensation, UUID requestId, int attempt) implements SagaEffect {
    }

    /** Move the order aggregate along. */
    record CommandOrder(OrderCommand command) implements SagaEffect {
    }
}
