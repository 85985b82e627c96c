package io.sagaway.saga.domain;

import java.util.Map;

/** What can happen to a saga. */
public sealed interface SagaInput {

    /** A participant did the step's action; {@code result} holds what it made (payment id, tracking number...). */
    record StepSucceeded(SagaStepName step, Map<String, String> result) implements SagaInput {
    }

    /** A participant refused the step's action for a business reason (the error text starts with its code). */
    record StepFailed(SagaStepName step, String error) implements SagaInput {
    }

    /** A participant undid the step's action (or found nothing to undo). */
    record StepCompensated(SagaStepName step) implements SagaInput {
    }

    /** A participant could not undo the step's action this time; it will be asked again. */
    record CompensationFailed(SagaStepName step, String error) implements SagaInput {
    }

    /** Time passed: deadlines and retry times up to {@code now} are due. */
    record Tick() implements SagaInput {
    }

    /** The order was cancelled: stop moving forward and compensate. */
    record CancelRequested(String reason) implements SagaInput {
    }

    /** An operator asks to retry the current step now (a stuck compensation or a waiting retry). */
    record OperatorRetry() implements SagaInput {
    }
}
