package io.sagaway.saga.stuck;

/** What an operator can do about a stuck saga, by its reason. */
public enum StuckAction {
    /** Retry the saga's current step now ({@code retrySaga}). */
    RETRY,
    /** Put the parked message back on its topic ({@code redriveDeadLetter}). */
    REDRIVE,
    /** Cancel the order: its completed steps are compensated ({@code cancelOrder}). */
    CANCEL,
    /** Nothing to do to the saga: the fix is elsewhere (a lagging consumer to scale or restart). */
    WAIT
}
