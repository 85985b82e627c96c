package io.sagaway.saga;

import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.PoisonMessageException;
import io.sagaway.messaging.TopicNames;
import io.sagaway.saga.domain.SagaDefinition;
import io.sagaway.saga.domain.SagaInput;
import io.sagaway.saga.domain.SagaState;
import io.sagaway.saga.domain.SagaStepName;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/** How the orchestrator talks to participants: the request it sends per step, and the input each reply is. */
final class StepMessages {

    private StepMessages() {
    }

    static String requestTopic(TopicNames topics, SagaStepName step) {
        return switch (step) {
            case PAYMENT -> topics.paymentRequests();
            case INVENTORY -> topics.inventoryRequests();
            case SHIPPING -> topics.shippingRequests();
        };
    }

    static String requestType(SagaStepName step, boolean compensation) {
        SagaDefinition.StepDefinition definition = SagaDefinition.of(step);
        return compensation ? definition.compensation() : definition.action();
    }

    /** The request's fields: what the participant needs of the order. */
    static JsonObject requestPayload(SagaStepName step, boolean compensation, SagaState saga) {
        SagaState.OrderData order = saga.order();
        JsonObject payload = new JsonObject().put("sagaId", saga.sagaId()).put("orderId", saga.orderId())
            .put("customerId", order.customerId());
        if (compensation) {
            return payload;
        }
        return switch (step) {
            case PAYMENT -> payload.put("amount", order.totalAmount().toPlainString()).put("currency", order.currency());
            case INVENTORY -> {
                JsonArray items = new JsonArray();
                order.items().forEach(i -> items.add(new JsonObject().put("sku", i.sku()).put("quantity", i.quantity())));
                yield payload.put("items", items);
            }
            case SHIPPING -> payload.put("shippingAddress", new JsonObject()
                .put("line1", order.shippingAddress().line1()).put("city", order.shippingAddress().city())
                .put("postalCode", order.shippingAddress().postalCode()).put("country", order.shippingAddress().country()));
        };
    }

    /** The saga input a participant's reply stands for. */
    static SagaInput toInput(Envelope reply) {
        JsonObject p = reply.payload();
        return switch (reply.type()) {
            case "PaymentDebited" -> new SagaInput.StepSucceeded(SagaStepName.PAYMENT,
                Map.of(SagaDefinition.PAYMENT_ID, p.getString("paymentId")));
            case "PaymentDeclined" -> new SagaInput.StepFailed(SagaStepName.PAYMENT, p.getString("reason"));
            case "PaymentRefunded" -> new SagaInput.StepCompensated(SagaStepName.PAYMENT);
            case "InventoryReserved" -> new SagaInput.StepSucceeded(SagaStepName.INVENTORY,
                Map.of(SagaDefinition.RESERVATION_ID, p.getString("reservationId")));
            case "InventoryRejected" -> new SagaInput.StepFailed(SagaStepName.INVENTORY, p.getString("reason"));
            case "InventoryReleased" -> new SagaInput.StepCompensated(SagaStepName.INVENTORY);
            case "ShipmentCreated" -> new SagaInput.StepSucceeded(SagaStepName.SHIPPING, Map.of(
                SagaDefinition.SHIPMENT_ID, p.getString("shipmentId"), SagaDefinition.TRACKING_NUMBER, p.getString("trackingNumber")));
            case "ShipmentRejected" -> new SagaInput.StepFailed(SagaStepName.SHIPPING, p.getString("reason"));
            case "ShipmentCancelled" -> new SagaInput.StepCompensated(SagaStepName.SHIPPING);
            default -> throw new PoisonMessageException("the order saga does not know replies of type " + reply.type());
        };
    }
}
