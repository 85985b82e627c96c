package io.sagaway.messaging;

import java.util.List;

/**
 * The platform's topic names under an optional prefix. Production uses no prefix (the names in
 * {@link Topics}); a prefix lets several installations, or tests, share one Kafka cluster without
 * seeing each other's messages. Consumer group names take the same prefix.
 */
public record TopicNames(String prefix) {

    public static final TopicNames DEFAULT = new TopicNames("");

    public TopicNames {
        prefix = prefix == null ? "" : prefix;
    }

    public String orderEvents() {
        return prefix + Topics.ORDER_EVENTS;
    }

    public String sagaEvents() {
        return prefix + Topics.SAGA_EVENTS;
    }

    public String paymentRequests() {
        return prefix + Topics.PAYMENT_REQUESTS;
    }

    public String paymentReplies() {
        return prefix + Topics.PAYMENT_REPLIES;
    }

    public String inventoryRequests() {
        return prefix + Topics.INVENTORY_REQUESTS;
    }

    public String inventoryReplies() {
        return prefix + Topics.INVENTORY_REPLIES;
    }

    public String shippingRequests() {
        return prefix + Topics.SHIPPING_REQUESTS;
    }

    public String shippingReplies() {
        return prefix + Topics.SHIPPING_REPLIES;
    }

    /** A consumer group (and processed-message) name in this installation. */
    public String consumer(String name) {
        return prefix + name;
    }

    public List<String> all() {
        return Topics.ALL.stream().map(t -> prefix + t).toList();
    }
}
