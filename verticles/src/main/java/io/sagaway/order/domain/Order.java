package io.sagaway.order.domain;

import io.sagaway.api.ErrorCode;
import io.sagaway.order.domain.OrderCommand.CancelOrder;
import io.sagaway.order.domain.OrderCommand.ConfirmCancellation;
import io.sagaway.order.domain.OrderCommand.FailOrder;
import io.sagaway.order.domain.OrderCommand.PlaceOrder;
import io.sagaway.order.domain.OrderCommand.RecordPayment;
import io.sagaway.order.domain.OrderCommand.RecordReservation;
import io.sagaway.order.domain.OrderCommand.RecordShipment;
import io.sagaway.order.domain.OrderCommand.StartCompensation;
import io.sagaway.order.domain.OrderEvent.CancellationRequested;
import io.sagaway.order.domain.OrderEvent.CompensationStarted;
import io.sagaway.order.domain.OrderEvent.OrderCancelled;
import io.sagaway.order.domain.OrderEvent.OrderFailed;
import io.sagaway.order.domain.OrderEvent.OrderPlaced;
import io.sagaway.order.domain.OrderEvent.OrderShipped;
import io.sagaway.order.domain.OrderEvent.PaymentReceived;
import io.sagaway.order.domain.OrderEvent.StockReserved;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The order aggregate, in plain Java. {@link #decide} turns a command into events or a rejection
 * and changes nothing; {@link #apply} is the only way state changes, and the same {@code apply}
 * rebuilds an order from its stream. A command that was already applied (a redelivered saga
 * reply) is accepted with no new events, so handlers are idempotent.
 */
public final class Order {

    private final String id;
    private String customerId;
    private OrderStatus status;
    private List<OrderItem> items = List.of();
    private Address shippingAddress;
    private String currency;
    private BigDecimal totalAmount = BigDecimal.ZERO;
    private String paymentId;
    private String reservationId;
    private String shipmentId;
    private String trackingNumber;
    private String failureReason;
    private boolean cancellationRequested;
    private int version;
    private Instant createdAt;
    private Instant updatedAt;

    private Order(String id) {
        this.id = Objects.requireNonNull(id, "id");
    }

    /** An order with no events yet: only {@link PlaceOrder} is accepted. */
    public static Order empty(String id) {
        return new Order(id);
    }

    /** Replays a stream: the events of versions 1..n, oldest first. */
    public static Order replay(String id, List<Recorded> events) {
        Order order = empty(id);
        events.forEach(order::apply);
        return order;
    }

    /** An event as stored: its version in the stream and when it happened. */
    public record Recorded(int version, Instant occurredAt, OrderEvent event) {
    }

    public Decision decide(OrderCommand command) {
        if (version == 0 && !(command instanceof PlaceOrder)) {
            return Decision.reject(ErrorCode.NOT_FOUND, "order " + id + " does not exist");
        }
        return switch (command) {
            case PlaceOrder place -> place(place);
            case RecordPayment payment -> recordPayment(payment);
            case RecordReservation reservation -> recordReservation(reservation);
            case RecordShipment shipment -> recordShipment(shipment);
            case StartCompensation compensation -> startCompensation(compensation);
            case FailOrder fail -> fail(fail);
            case CancelOrder cancel -> cancel(cancel);
            case ConfirmCancellation ignored -> confirmCancellation();
        };
    }

    private Decision place(PlaceOrder place) {
        if (version > 0) {
            return Decision.reject(ErrorCode.CONFLICT, "order " + id + " already exists");
        }
        var violation = OrderInputRules.check(place);
        if (violation.isPresent()) {
            return Decision.badInput(violation.get().field(), violation.get().message());
        }
        BigDecimal total = place.items().stream().map(OrderItem::lineTotal).reduce(BigDecimal.ZERO, BigDecimal::add);
        return Decision.accept(new OrderPlaced(id, place.customerId(), List.copyOf(place.items()), place.shippingAddress(),
            place.currency(), total));
    }

    private Decision recordPayment(RecordPayment payment) {
        if (payment.paymentId().equals(paymentId)) {
            return Decision.alreadyDone();
        }
        if (status != OrderStatus.PENDING) {
            return notNow("record a payment");
        }
        if (payment.amount().compareTo(totalAmount) != 0) {
            return Decision.reject(ErrorCode.CONFLICT, "payment of " + payment.amount() + " does not match the total "
                + totalAmount + " of order " + id);
        }
        return Decision.accept(new PaymentReceived(payment.paymentId(), payment.amount()));
    }

    private Decision recordReservation(RecordReservation reservation) {
        if (reservation.reservationId().equals(reservationId)) {
            return Decision.alreadyDone();
        }
        return status == OrderStatus.PAID ? Decision.accept(new StockReserved(reservation.reservationId())) : notNow("record a reservation");
    }

    private Decision recordShipment(RecordShipment shipment) {
        if (shipment.shipmentId().equals(shipmentId)) {
            return Decision.alreadyDone();
        }
        return status == OrderStatus.RESERVED
            ? Decision.accept(new OrderShipped(shipment.shipmentId(), shipment.trackingNumber()))
            : notNow("record a shipment");
    }

    private Decision startCompensation(StartCompensation compensation) {
        if (status == OrderStatus.COMPENSATING) {
            return Decision.alreadyDone();
        }
        return status.isInProgress()
            ? Decision.accept(new CompensationStarted(compensation.step(), compensation.reason()))
            : notNow("start compensating");
    }

    private Decision fail(FailOrder fail) {
        if (status == OrderStatus.FAILED) {
            return Decision.alreadyDone();
        }
        if (status.isInProgress() || (status == OrderStatus.COMPENSATING && !cancellationRequested)) {
            return Decision.accept(new OrderFailed(fail.reason()));
        }
        return notNow("fail");
    }

    private Decision cancel(CancelOrder cancel) {
        if (status == OrderStatus.COMPENSATING && cancellationRequested) {
            return Decision.alreadyDone();
        }
        if (status == OrderStatus.COMPENSATING) {
            return Decision.reject(ErrorCode.CONFLICT, "order " + id + " is already being compensated after a failure and will end FAILED");
        }
        return status.isInProgress() ? Decision.accept(new CancellationRequested(cancel.reason())) : notNow("cancel");
    }

    private Decision confirmCancellation() {
        if (status == OrderStatus.CANCELLED) {
            return Decision.alreadyDone();
        }
        return status == OrderStatus.COMPENSATING && cancellationRequested
            ? Decision.accept(new OrderCancelled(failureReason))
            : notNow("confirm a cancellation");
    }

    private Decision notNow(String what) {
        return Decision.reject(ErrorCode.CONFLICT, "cannot " + what + " for order " + id + ": it is " + status);
    }

    /** Applies the next event of the stream. */
    public void apply(Recorded recorded) {
        if (recorded.version() != version + 1) {
            throw new IllegalStateException("order " + id + " at version " + version + " cannot apply version " + recorded.version());
        }
        switch (recorded.event()) {
            case OrderPlaced placed -> {
                customerId = placed.customerId();
                items = List.copyOf(placed.items());
                shippingAddress = placed.shippingAddress();
                currency = placed.currency();
                totalAmount = placed.totalAmount();
                status = OrderStatus.PENDING;
                createdAt = recorded.occurredAt();
            }
            case PaymentReceived paid -> {
                paymentId = paid.paymentId();
                status = OrderStatus.PAID;
            }
            case StockReserved reserved -> {
                reservationId = reserved.reservationId();
                status = OrderStatus.RESERVED;
            }
            case OrderShipped shipped -> {
                shipmentId = shipped.shipmentId();
                trackingNumber = shipped.trackingNumber();
                status = OrderStatus.SHIPPED;
            }
            case CompensationStarted started -> {
                failureReason = started.reason();
                status = OrderStatus.COMPENSATING;
            }
            case CancellationRequested requested -> {
                cancellationRequested = true;
                failureReason = requested.reason();
                status = OrderStatus.COMPENSATING;
            }
            case OrderFailed failed -> {
                failureReason = failed.reason();
                status = OrderStatus.FAILED;
            }
            case OrderCancelled cancelled -> {
                failureReason = cancelled.reason();
                status = OrderStatus.CANCELLED;
            }
        }
        version = recorded.version();
        updatedAt = recorded.occurredAt();
    }

    /** The state as a value, for snapshots, replies and queries. */
    public OrderView view() {
        return new OrderView(id, customerId, status, items, shippingAddress, currency, totalAmount, paymentId, reservationId,
            shipmentId, trackingNumber, failureReason, cancellationRequested, version, createdAt, updatedAt);
    }

    /** Restores an order from a snapshot; the events after its version are applied on top. */
    public static Order fromView(OrderView view) {
        Order order = new Order(view.id());
        order.customerId = view.customerId();
        order.status = view.status();
        order.items = view.items();
        order.shippingAddress = view.shippingAddress();
        order.currency = view.currency();
        order.totalAmount = view.totalAmount();
        order.paymentId = view.paymentId();
        order.reservationId = view.reservationId();
        order.shipmentId = view.shipmentId();
        order.trackingNumber = view.trackingNumber();
        order.failureReason = view.failureReason();
        order.cancellationRequested = view.cancellationRequested();
        order.version = view.version();
        order.createdAt = view.createdAt();
        order.updatedAt = view.updatedAt();
        return order;
    }

    public String id() {
        return id;
    }

    public int version() {
        return version;
    }

    public OrderStatus status() {
        return status;
    }

    public boolean exists() {
        return version > 0;
    }
}
