package io.sagaway.saga;

import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.PoisonMessageException;
import io.sagaway.messaging.TopicNames;
import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.outbox.OutboxMessage;
import io.sagaway.saga.domain.OrderSaga;
import io.sagaway.saga.domain.SagaEffect;
import io.sagaway.saga.domain.SagaInput;
import io.sagaway.saga.domain.SagaPolicy;
import io.sagaway.saga.domain.SagaState;
import io.sagaway.saga.domain.SagaStepName;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.sagaway.saga.domain.SagaStepName.INVENTORY;
import static io.sagaway.saga.domain.SagaStepName.PAYMENT;
import static io.sagaway.saga.domain.SagaStepName.SHIPPING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The step messages on the wire, byte for byte: participants and orchestrators of other versions
 * read them, so the type names and fields here are written out as text on purpose.
 */
class StepMessagesTest {

    private static final Instant AT = Instant.parse("2026-11-26T12:00:00Z");
    private static final UUID REQUEST_ID = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final TopicNames TOPICS = new TopicNames("t1.");
    private static final SagaPolicy POLICY = new SagaPolicy(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(1),
        Duration.ofSeconds(8), Duration.ofSeconds(5), 3);
    private static final SagaState SAGA = OrderSaga.start("saga-1", "order-1", new SagaState.OrderData("alice",
        List.of(new OrderItem("SKU-2", 1, new BigDecimal("10.00")), new OrderItem("SKU-1", 2, new BigDecimal("30.00")),
            new OrderItem("SKU-2", 3, new BigDecimal("10.00"))),
        new Address("1 Main", "Seoul", "04524", "KR"), "KRW", new BigDecimal("100.00")), POLICY, AT).state();

    private static final String IDS = "\"sagaId\":\"saga-1\",\"orderId\":\"order-1\",\"customerId\":\"alice\"";

    @Test
    void paymentRequests() {
        assertSent(PAYMENT, false, 1, "t1.payment.requests", "DebitPayment",
            "{" + IDS + ",\"amount\":\"100.00\",\"currency\":\"KRW\",\"attempt\":1,\"step\":\"PAYMENT\"}");
        assertSent(PAYMENT, true, 2, "t1.payment.requests", "RefundPayment", "{" + IDS + ",\"attempt\":2,\"step\":\"PAYMENT\"}");
    }

    @Test
    void inventoryRequests() {
        assertSent(INVENTORY, false, 3, "t1.inventory.requests", "ReserveStock", "{" + IDS
            + ",\"items\":[{\"sku\":\"SKU-2\",\"quantity\":1},{\"sku\":\"SKU-1\",\"quantity\":2},{\"sku\":\"SKU-2\",\"quantity\":3}]"
            + ",\"attempt\":3,\"step\":\"INVENTORY\"}");
        assertSent(INVENTORY, true, 1, "t1.inventory.requests", "ReleaseStock", "{" + IDS + ",\"attempt\":1,\"step\":\"INVENTORY\"}");
    }

    @Test
    void shippingRequests() {
        assertSent(SHIPPING, false, 1, "t1.shipping.requests", "CreateShipment", "{" + IDS
            + ",\"shippingAddress\":{\"line1\":\"1 Main\",\"city\":\"Seoul\",\"postalCode\":\"04524\",\"country\":\"KR\"},\"attempt\":1,\"step\":\"SHIPPING\"}");
        assertSent(SHIPPING, true, 1, "t1.shipping.requests", "CancelShipment", "{" + IDS + ",\"attempt\":1,\"step\":\"SHIPPING\"}");
    }

    @Test
    void repliesStandForTheInputsOfTheirSteps() {
        assertThat(input("PaymentDebited", "{\"orderId\":\"order-1\",\"paymentId\":\"pay-1\"}"))
            .isEqualTo(new SagaInput.StepSucceeded(PAYMENT, Map.of("paymentId", "pay-1")));
        assertThat(input("PaymentDeclined", "{\"orderId\":\"order-1\",\"reason\":\"INSUFFICIENT_FUNDS: low\"}"))
            .isEqualTo(new SagaInput.StepFailed(PAYMENT, "INSUFFICIENT_FUNDS: low"));
        assertThat(input("PaymentRefunded", "{\"orderId\":\"order-1\"}")).isEqualTo(new SagaInput.StepCompensated(PAYMENT));
        assertThat(input("InventoryReserved", "{\"orderId\":\"order-1\",\"reservationId\":\"res-1\"}"))
            .isEqualTo(new SagaInput.StepSucceeded(INVENTORY, Map.of("reservationId", "res-1")));
        assertThat(input("InventoryRejected", "{\"orderId\":\"order-1\",\"reason\":\"OUT_OF_STOCK: none\"}"))
            .isEqualTo(new SagaInput.StepFailed(INVENTORY, "OUT_OF_STOCK: none"));
        assertThat(input("InventoryReleased", "{\"orderId\":\"order-1\"}")).isEqualTo(new SagaInput.StepCompensated(INVENTORY));
        assertThat(input("ShipmentCreated", "{\"orderId\":\"order-1\",\"shipmentId\":\"ship-1\",\"trackingNumber\":\"KR1\"}"))
            .isEqualTo(new SagaInput.StepSucceeded(SHIPPING, Map.of("shipmentId", "ship-1", "trackingNumber", "KR1")));
        assertThat(input("ShipmentRejected", "{\"orderId\":\"order-1\",\"reason\":\"ADDRESS_REJECTED: ZZ\"}"))
            .isEqualTo(new SagaInput.StepFailed(SHIPPING, "ADDRESS_REJECTED: ZZ"));
        assertThat(input("ShipmentCancelled", "{\"orderId\":\"order-1\"}")).isEqualTo(new SagaInput.StepCompensated(SHIPPING));
    }

    @Test
    void aReplyOfAnUnknownTypeIsPoison() {
        assertThatThrownBy(() -> input("PaymentLost", "{}")).isInstanceOf(PoisonMessageException.class)
            .hasMessage("the order saga does not know replies of type PaymentLost");
    }

    private static void assertSent(SagaStepName step, boolean compensation, int attempt, String topic, String type, String payload) {
        String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        OutboxMessage sent = StepMessages.request(TOPICS, new SagaEffect.SendStepRequest(step, compensation, REQUEST_ID, attempt), SAGA,
            "cause-1", AT, traceparent);
        assertThat(sent.topic()).isEqualTo(topic);
        assertThat(sent.traceparent()).isEqualTo(traceparent);
        assertThat(sent.envelope().toJson().encode()).isEqualTo("{\"messageId\":\"00000000-0000-0000-0000-000000000001\",\"type\":\""
            + type + "\",\"aggregateType\":\"Saga\",\"aggregateId\":\"order-1\",\"version\":1,\"correlationId\":\"order-1\","
            + "\"causationId\":\"cause-1\",\"occurredAt\":\"2026-11-26T12:00:00Z\",\"payload\":" + payload + "}");
    }

    private static SagaInput input(String type, String payload) {
        return StepMessages.toInput(new Envelope(UUID.randomUUID().toString(), type, "Saga", "order-1", 1, "order-1", "req", AT,
            new JsonObject(payload)));
    }
}
