package io.sagaway.saga.domain;

import io.sagaway.order.domain.OrderCommand;

import java.util.Map;

/**
 * The order saga as a table: for each step, the request that does it, the request that undoes
 * it, and what the order aggregate records when it succeeds. Message type names are what the
 * participants read on their request topics.
 */
public final class SagaDefinition {

    /** One row of the table. */
    public record StepDefinition(SagaStepName step, String action, String compensation) {
    }

    public static final Map<SagaStepName, StepDefinition> STEPS = Map.of(
        SagaStepName.PAYMENT, new StepDefinition(SagaStepName.PAYMENT, "DebitPayment", "RefundPayment"),
        SagaStepName.INVENTORY, new StepDefinition(SagaStepName.INVENTORY, "ReserveStock", "ReleaseStock"),
        SagaStepName.SHIPPING, new StepDefinition(SagaStepName.SHIPPING, "CreateShipment", "CancelShipment"));

    /** Keys of a step's result, as participants report them. */
    public static final String PAYMENT_ID = "paymentId";
    public static final String RESERVATION_ID = "reservationId";
    public static final String SHIPMENT_ID = "shipmentId";
    public static final String TRACKING_NUMBER = "trackingNumber";

    private SagaDefinition() {
    }

    public static StepDefinition of(SagaStepName step) {
        return STEPS.get(step);
    }

    /** What the order records when a step succeeds. */
    static OrderCommand orderCommandOnSuccess(SagaStepName step, StepState state, SagaState.OrderData order) {
        Map<String, String> r = state.result();
        return switch (step) {
            case PAYMENT -> new OrderCommand.RecordPayment(r.getOrDefault(PAYMENT_ID, "unknown"), order.totalAmount());
            case INVENTORY -> new OrderCommand.RecordReservation(r.getOrDefault(RESERVATION_ID, "unknown"));
            case SHIPPING -> new OrderCommand.RecordShipment(r.getOrDefault(SHIPMENT_ID, "unknown"), r.get(TRACKING_NUMBER));
        };
    }
}
