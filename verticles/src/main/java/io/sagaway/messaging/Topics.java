package io.sagaway.messaging;

import java.util.List;

/** Every Kafka topic, in one place. Keys are always the order id. */
public final class Topics {

    /** The order aggregate's events, from the outbox. */
    public static final String ORDER_EVENTS = "order.events";
    /** The saga's state after each change (SagaUpdated), for the read side and subscriptions. */
    public static final String SAGA_EVENTS = "saga.events";

    public static final String PAYMENT_REQUESTS = "payment.requests";
    public static final String PAYMENT_REPLIES = "payment.replies";
    public static final String INVENTORY_REQUESTS = "inventory.requests";
    public static final String INVENTORY_REPLIES = "inventory.replies";
    public static final String SHIPPING_REQUESTS = "shipping.requests";
    public static final String SHIPPING_REPLIES = "shipping.replies";

    /** Suffix of a topic's dead-letter topic. */
    public static final String DEAD_LETTER_SUFFIX = ".DLT";

    /** The topics the platform creates at start-up (each with its dead-letter topic). */
    public static final List<String> ALL = List.of(ORDER_EVENTS, SAGA_EVENTS, PAYMENT_REQUESTS, PAYMENT_REPLIES,
        INVENTORY_REQUESTS, INVENTORY_REPLIES, SHIPPING_REQUESTS, SHIPPING_REPLIES);

    private Topics() {
    }
}
