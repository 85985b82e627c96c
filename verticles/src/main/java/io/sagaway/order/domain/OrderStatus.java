package io.sagaway.order.domain;


/** The statuses of an order. They move forward only: PENDING → PAID → RESERVED → SHIPPED, or to COMPENSATING → FAILED / CANCELLED. */
public enum OrderStatus {
    PENDING,
    PAID,
    RESERVED,
    SHIPPED,
    COMPENSATING,
    FAILED,
    CANCELLED;

    public boolean isTerminal() {
        return this == SHIPPED || this == FAILED || this == CANCELLED;
    }

    /** Whether the saga is still moving the order forward. */
    public boolean isInProgress() {
        return this == PENDING || this == PAID || this == RESERVED;
    }
}
