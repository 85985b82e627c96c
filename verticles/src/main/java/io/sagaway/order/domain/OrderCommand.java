package io.sagaway.order.domain;

import java.math.BigDecimal;
import java.util.List;

/** What can be asked of an order. The aggregate decides each into events or a rejection. */
public sealed interface OrderCommand {

    /** A customer places an order; the id is chosen by the command handler. */
    record PlaceOrder(String orderId, String customerId, List<OrderItem> items, Address shippingAddress, String currency)
        implements OrderCommand {
    }

    /** The saga's payment step debited the customer. */
    record RecordPayment(String paymentId, BigDecimal amount) implements OrderCommand {
    }

    /** The saga's inventory step reserved every item. */
    record RecordReservation(String reservationId) implements OrderCommand {
    }

    /** The saga's shipping step created a shipment. */
    record RecordShipment(String shipmentId, String trackingNumber) implements OrderCommand {
    }

    /** A step failed: the saga starts compensating the completed steps. */
    record StartCompensation(String step, String reason) implements OrderCommand {
    }

    /** The saga finished compensating after a failure (or a first step failed with nothing to undo). */
    record FailOrder(String reason) implements OrderCommand {
    }

    /** A customer or operator asks to cancel a running order. */
    record CancelOrder(String reason) implements OrderCommand {
    }

    /** The saga finished compensating a cancelled order. */
    record ConfirmCancellation() implements OrderCommand {
    }
}
