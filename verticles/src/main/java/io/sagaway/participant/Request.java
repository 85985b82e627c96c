package io.sagaway.participant;

import io.vertx.core.json.JsonObject;

/**
 * The saga's request to a participant, to do or to undo its step: its message type and fields.
 * Every request names the saga, the order and the customer; a step's action adds what the
 * participant needs of the order.
 */
public interface Request {

    String sagaId();

    /** The order id; participants read it from the envelope, whose key it is. */
    String orderId();

    String customerId();

    /** The message type, e.g. {@code DebitPayment}: the record's name, so each type's name is written once. */
    default String type() {
        return getClass().getSimpleName();
    }

    /** The request's fields: the ids, then the step's own, which a request that has some adds behind them. */
    default JsonObject payload() {
        return new JsonObject().put("sagaId", sagaId()).put("orderId", orderId()).put("customerId", customerId());
    }
}
