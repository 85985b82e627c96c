package io.sagaway.saga.domain;


/** The order saga's steps, in the order they run. */
public enum SagaStepName {
    PAYMENT,
    INVENTORY,
    SHIPPING
}
