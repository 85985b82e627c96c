package io.sagaway.eventstore;


/** Another writer appended to the stream first: reload and decide again. */
public final class ConcurrencyConflict extends RuntimeException {
    public ConcurrencyConflict(String aggregateId, int expectedVersion) {
        super("stream " + aggregateId + " moved past version " + expectedVersion + " concurrently", null, false, false);
    }
}
