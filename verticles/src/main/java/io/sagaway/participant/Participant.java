package io.sagaway.participant;

import io.sagaway.messaging.Envelope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

/**
 * One saga participant's business logic: it owns its tables, does each requested action or
 * compensation inside the caller's transaction, and answers with a {@link Reply}. Every action is
 * idempotent by order id, so a redelivered request or a retried attempt has no second effect and
 * gets the same answer, and a compensation for an action that never ran succeeds harmlessly and
 * leaves a tombstone that voids the action if it arrives late.
 */
public interface Participant {

    /** The consumer name: Kafka group id, Redis key space and processed-message records. */
    String name();

    String requestTopic();

    String replyTopic();

    /** Does (or re-reads the outcome of) the request in {@code tx}. */
    Future<Reply> handle(SqlConnection tx, Envelope request);

    /**
     * Whether requests of different orders may run interleaved in one transaction (their
     * statements sent without waiting for each other's answers). True only when every shared row
     * is changed by a single statement that checks its own condition; a check in Java followed by
     * an update (read, decide, write) must see the effects of the requests before it.
     */
    default boolean interleaves() {
        return false;
    }

    /** The event-bus address of the operator's actions and reads, or null when there are none. */
    default String operatorAddress() {
        return null;
    }

    /** Serves one operator message; fails with {@link io.sagaway.api.CommandFailure} to refuse it. */
    default Future<JsonObject> operate(Pool pool, JsonObject message) {
        return Future.failedFuture(new UnsupportedOperationException(name() + " has no operator actions"));
    }
}
