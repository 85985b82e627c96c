package io.sagaway.saga.domain;

import java.util.Map;

/**
 * What a participant's reply says of its step. A row of {@link SagaDefinition} maps each reply to
 * one of these and adds its own step, so no reply can move another step than the row's.
 */
public sealed interface StepOutcome {

    /** The action was done; {@code result} holds what the participant made, under the keys of {@link SagaDefinition}. */
    record Succeeded(Map<String, String> result) implements StepOutcome {
    }

    /** The action was refused for a business reason (the text starts with its code). */
    record Failed(String reason) implements StepOutcome {
    }

    /** The action was undone (or there was nothing to undo). */
    record Compensated() implements StepOutcome {
    }

    /** The saga input this outcome is for {@code step}. */
    default SagaInput of(SagaStepName step) {
        return switch (this) {
            case Succeeded s -> new SagaInput.StepSucceeded(step, s.result());
            case Failed f -> new SagaInput.StepFailed(step, f.reason());
            case Compensated c -> new SagaInput.StepCompensated(step);
        };
    }
}
