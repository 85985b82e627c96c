package io.sagaway.order.domain;

import java.math.BigDecimal;
import java.util.List;

/** What happened to an order: the only way its state changes, and what its stream in the event store holds. */
public sealed interface OrderEvent {

    /** The event's type name in the store and on Kafka, e.g. {@code OrderPlaced}. */
    default String type() {
        return getClass().getSimpleName();
    }

    record OrderPlaced(String orderId, String customerId, List<OrderItem> items, Address shippingAddress, String currency,
                       BigDecimal totalAmount) implements OrderEvent {
    }

    record PaymentReceived(String paymentId, BigDecimal amount) implements OrderEvent {
    }

    record StockReserved(String reservationId) implements OrderEvent {
    }

    record OrderShipped(String shipmentId, String trackingNumber) implements OrderEvent {
    }

    record CompensationStarted(String step, String reason) implements OrderEvent {
    }

    record CancellationRequested(String reason) implements OrderEvent {
    }

    record OrderFailed(String reason) implements OrderEvent {
    }

    record OrderCancelled(String reason) implements OrderEvent {
    }

    /** Every event type, for (de)serialisation by name. */
    List<Class<? extends OrderEvent>> TYPES = List.of(OrderPlaced.class, PaymentReceived.class, StockReserved.class,
        OrderShipped.class, CompensationStarted.class, CancellationRequested.class, OrderFailed.class, OrderCancelled.class);
}
