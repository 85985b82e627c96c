package io.sagaway.saga.domain;


/** Where the saga stands; the names are the contract's. */
public enum SagaStatus {
    RUNNING,
    COMPENSATING,
    COMPLETED,
    FAILED;

    public boolean isFinished() {
        return this == COMPLETED || this == FAILED;
    }
}
