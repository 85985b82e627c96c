package io.sagaway.saga.domain;


/** Where one step stands; the names are the contract's. */
public enum StepStatus {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    COMPENSATING,
    COMPENSATED
}
