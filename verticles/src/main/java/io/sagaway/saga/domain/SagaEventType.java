package io.sagaway.saga.domain;


/** The kinds of timeline entries; the names are the contract's. */
public enum SagaEventType {
    STARTED,
    STEP_REQUESTED,
    STEP_SUCCEEDED,
    STEP_FAILED,
    STEP_RETRIED,
    STEP_TIMED_OUT,
    COMPENSATION_REQUESTED,
    STEP_COMPENSATED,
    COMPLETED,
    FAILED
}
