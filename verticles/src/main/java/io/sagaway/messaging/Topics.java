package io.sagaway.messaging;

import java.util.List;

/** Every Kafka topic, in one place. Keys are always the order id. */
public final class Topics {

    /** The order aggregate's events, from the outbox. */
    public static final String ORDER_EVENTS = "order.events";

    /** Suffix of a topic's dead-letter topic. */
    public static final String DEAD_LETTER_SUFFIX = ".DLT";

    /** The topics the platform creates at start-up. */
    public static final List<String> ALL = List.of(ORDER_EVENTS);

    private Topics() {
    }
}
