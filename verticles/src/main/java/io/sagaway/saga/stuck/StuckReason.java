package io.sagaway.saga.stuck;

/** Why a saga in flight is not moving. */
public enum StuckReason {
    /** Its step's request is out and no reply has come: the participant is slow, down, or its consumer is not running. */
    WAITING_ON_PARTICIPANT,
    /** It waits for a timer: a retry's backoff, or a timeout that is due but has not fired. */
    WAITING_ON_TIMER,
    /** An attempt failed; the next one is scheduled. */
    RETRYING,
    /** One of its messages was set aside as a dead letter: nothing will move it until an operator redrives it. */
    PARKED_IN_DEAD_LETTERS,
    /** A compensation keeps failing (the saga is flagged); it is still retried. */
    COMPENSATION_FAILING,
    /** The consumer group that must read its next message is behind on that message's partition. */
    CONSUMER_LAGGING
}
