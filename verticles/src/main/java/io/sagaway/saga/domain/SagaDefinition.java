package io.sagaway.saga.domain;

import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.TopicNames;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.participant.MessageReader;
import io.sagaway.participant.Reply;
import io.sagaway.participant.Request;
import io.sagaway.participant.inventory.InventoryMessages;
import io.sagaway.participant.inventory.InventoryMessages.InventoryRejected;
import io.sagaway.participant.inventory.InventoryMessages.InventoryReleased;
import io.sagaway.participant.inventory.InventoryMessages.InventoryReply;
import io.sagaway.participant.inventory.InventoryMessages.InventoryReserved;
import io.sagaway.participant.inventory.InventoryMessages.ReleaseStock;
import io.sagaway.participant.inventory.InventoryMessages.ReserveStock;
import io.sagaway.participant.payment.PaymentMessages;
import io.sagaway.participant.payment.PaymentMessages.DebitPayment;
import io.sagaway.participant.payment.PaymentMessages.PaymentDebited;
import io.sagaway.participant.payment.PaymentMessages.PaymentDeclined;
import io.sagaway.participant.payment.PaymentMessages.PaymentRefunded;
import io.sagaway.participant.payment.PaymentMessages.PaymentReply;
import io.sagaway.participant.payment.PaymentMessages.RefundPayment;
import io.sagaway.participant.shipping.ShippingMessages;
import io.sagaway.participant.shipping.ShippingMessages.CancelShipment;
import io.sagaway.participant.shipping.ShippingMessages.CreateShipment;
import io.sagaway.participant.shipping.ShippingMessages.ShipmentCancelled;
import io.sagaway.participant.shipping.ShippingMessages.ShipmentCreated;
import io.sagaway.participant.shipping.ShippingMessages.ShipmentRejected;
import io.sagaway.participant.shipping.ShippingMessages.ShippingReply;
import io.sagaway.saga.domain.StepOutcome.Compensated;
import io.sagaway.saga.domain.StepOutcome.Failed;
import io.sagaway.saga.domain.StepOutcome.Succeeded;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The order saga as a table: one row per step, in the order the steps run, holding everything
 * step-specific the saga ({@link OrderSaga}) and its orchestrator know. The messages are the
 * participants' records, whose names are the types on the wire, so adding a step is a row here,
 * its name in {@link SagaStepName}, and its participant with its messages.
 */
public final class SagaDefinition {

    /**
     * One row.
     *
     * @param name         the step
     * @param requestTopic where its participant reads requests; a function, as topic names carry the installation's prefix
     * @param action       the request that does the step, made from the saga
     * @param compensation the request that undoes it
     * @param replies      reads the participant's replies
     * @param outcome      what each reply says of the step: a switch over the sealed replies, so the compiler sees each one mapped
     * @param onSuccess    what the order records when the step succeeds, from the step's result and the order
     * @param <R>          the participant's replies
     */
    public record StepDefinition<R extends Reply>(
        SagaStepName name,
        Function<TopicNames, String> requestTopic,
        Function<SagaState, Request> action,
        Function<SagaState, Request> compensation,
        MessageReader<R> replies,
        Function<R, StepOutcome> outcome,
        BiFunction<Map<String, String>, SagaState.OrderData, OrderCommand> onSuccess
    ) {
        /** The request for {@code saga}: the action, or when {@code compensating} the compensation. */
        public Request request(SagaState saga, boolean compensating) {
            return (compensating ? compensation : action).apply(saga);
        }

        /** The saga input a reply of this step's participant stands for. */
        public SagaInput input(Envelope reply) {
            return outcome.apply(replies.read(reply)).of(name);
        }

        OrderCommand orderCommandOnSuccess(Map<String, String> result, SagaState.OrderData order) {
            return onSuccess.apply(result, order);
        }
    }

    /** Keys of a step's result, as the saga stores it (and the read model shows it). */
    public static final String PAYMENT_ID = "paymentId";
    public static final String RESERVATION_ID = "reservationId";
    public static final String SHIPMENT_ID = "shipmentId";
    public static final String TRACKING_NUMBER = "trackingNumber";

    public static final List<StepDefinition<?>> STEPS = List.of(
        new StepDefinition<>(SagaStepName.PAYMENT, TopicNames::paymentRequests,
            saga -> new DebitPayment(saga.sagaId(), saga.orderId(), saga.order().customerId(), saga.order().totalAmount(),
                saga.order().currency()),
            saga -> new RefundPayment(saga.sagaId(), saga.orderId(), saga.order().customerId()),
            PaymentMessages.REPLIES, (PaymentReply reply) -> switch (reply) {
                case PaymentDebited debited -> new Succeeded(Map.of(PAYMENT_ID, debited.paymentId()));
                case PaymentDeclined declined -> new Failed(declined.reason());
                case PaymentRefunded refunded -> new Compensated();
            },
            (result, order) -> new OrderCommand.RecordPayment(result.getOrDefault(PAYMENT_ID, "unknown"), order.totalAmount())),

        new StepDefinition<>(SagaStepName.INVENTORY, TopicNames::inventoryRequests,
            saga -> new ReserveStock(saga.sagaId(), saga.orderId(), saga.order().customerId(),
                saga.order().items().stream().map(item -> new ReserveStock.Item(item.sku(), item.quantity())).toList()),
            saga -> new ReleaseStock(saga.sagaId(), saga.orderId(), saga.order().customerId()),
            InventoryMessages.REPLIES, (InventoryReply reply) -> switch (reply) {
                case InventoryReserved reserved -> new Succeeded(Map.of(RESERVATION_ID, reserved.reservationId()));
                case InventoryRejected rejected -> new Failed(rejected.reason());
                case InventoryReleased released -> new Compensated();
            },
            (result, order) -> new OrderCommand.RecordReservation(result.getOrDefault(RESERVATION_ID, "unknown"))),

        new StepDefinition<>(SagaStepName.SHIPPING, TopicNames::shippingRequests,
            saga -> new CreateShipment(saga.sagaId(), saga.orderId(), saga.order().customerId(), saga.order().shippingAddress()),
            saga -> new CancelShipment(saga.sagaId(), saga.orderId(), saga.order().customerId()),
            ShippingMessages.REPLIES, (ShippingReply reply) -> switch (reply) {
                case ShipmentCreated created -> new Succeeded(Map.of(SHIPMENT_ID, created.shipmentId(),
                    TRACKING_NUMBER, created.trackingNumber()));
                case ShipmentRejected rejected -> new Failed(rejected.reason());
                case ShipmentCancelled cancelled -> new Compensated();
            },
            (result, order) -> new OrderCommand.RecordShipment(result.getOrDefault(SHIPMENT_ID, "unknown"), result.get(TRACKING_NUMBER))));

    private static final Map<SagaStepName, StepDefinition<?>> BY_NAME = STEPS.stream()
        .collect(Collectors.toMap(StepDefinition::name, Function.identity(), (a, b) -> {
            throw new IllegalStateException("two rows for " + a.name());
        }, () -> new EnumMap<>(SagaStepName.class)));

    /** Which row a reply belongs to, by its type; two rows claiming one type fail here, at start-up. */
    private static final Map<String, StepDefinition<?>> BY_REPLY_TYPE = STEPS.stream()
        .flatMap(step -> step.replies().types().stream().map(type -> Map.<String, StepDefinition<?>>entry(type, step)))
        .collect(Collectors.toUnmodifiableMap(Map.Entry::getKey, Map.Entry::getValue));

    private SagaDefinition() {
    }

    public static StepDefinition<?> of(SagaStepName step) {
        return BY_NAME.get(step);
    }

    /** The row whose participant answers with replies of {@code type}, if any. */
    public static Optional<StepDefinition<?>> forReply(String type) {
        return Optional.ofNullable(BY_REPLY_TYPE.get(type));
    }
}
