package io.sagaway.order.domain;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/** An order's whole state at one version: what a snapshot stores and a strong read returns. */
public record OrderView(
    String id,
    String customerId,
    OrderStatus status,
    List<OrderItem> items,
    Address shippingAddress,
    String currency,
    BigDecimal totalAmount,
    String paymentId,
    String reservationId,
    String shipmentId,
    String trackingNumber,
    String failureReason,
    boolean cancellationRequested,
    int version,
    Instant createdAt,
    Instant updatedAt
) {
}
