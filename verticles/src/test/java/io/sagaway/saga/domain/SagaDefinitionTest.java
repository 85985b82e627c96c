package io.sagaway.saga.domain;

import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.PoisonMessageException;
import io.sagaway.messaging.TopicNames;
import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.participant.Participant;
import io.sagaway.participant.Reply;
import io.sagaway.participant.Request;
import io.sagaway.participant.inventory.InventoryMessages;
import io.sagaway.participant.inventory.InventoryMessages.ReserveStock;
import io.sagaway.participant.inventory.InventoryParticipant;
import io.sagaway.participant.payment.PaymentMessages;
import io.sagaway.participant.payment.PaymentParticipant;
import io.sagaway.participant.shipping.ShippingMessages;
import io.sagaway.participant.shipping.ShippingParticipant;
import io.sagaway.saga.domain.SagaDefinition.StepDefinition;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static io.sagaway.saga.domain.SagaStepName.INVENTORY;
import static io.sagaway.saga.domain.SagaStepName.PAYMENT;
import static io.sagaway.saga.domain.SagaStepName.SHIPPING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The step table is the one source of what a step is, and it agrees with each step's participant. */
class SagaDefinitionTest {

    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    private static final SagaPolicy POLICY = new SagaPolicy(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(1),
        Duration.ofSeconds(8), Duration.ofSeconds(5), 3);
    private static final SagaState SAGA = OrderSaga.start("saga-1", "order-1", new SagaState.OrderData("alice",
        List.of(new OrderItem("SKU-2", 1, new BigDecimal("10.00")), new OrderItem("SKU-1", 2, new BigDecimal("30.00")),
            new OrderItem("SKU-2", 3, new BigDecimal("10.00"))),
        new Address("1 Main", "Seoul", "04524", "KR"), "KRW", new BigDecimal("100.00")), POLICY, T0).state();
    private static final TopicNames TOPICS = new TopicNames("test.");

    /** The other half of each step: its participant, and how it reads its requests. */
    private record ParticipantSide(Participant participant, Function<Envelope, ? extends Request> parse) {
    }

    private static final Map<SagaStepName, ParticipantSide> PARTICIPANTS = Map.of(
        PAYMENT, new ParticipantSide(new PaymentParticipant(TOPICS), PaymentMessages::parse),
        INVENTORY, new ParticipantSide(new InventoryParticipant(TOPICS), InventoryMessages::parse),
        SHIPPING, new ParticipantSide(new ShippingParticipant(TOPICS, ShippingParticipant.DEFAULT_COUNTRIES), ShippingMessages::parse));

    @Test
    void everyStepHasExactlyOneRowAndTheSagaRunsTheRowsInTheStepsOrder() {
        assertThat(SagaDefinition.STEPS).extracting(StepDefinition::name).containsExactly(SagaStepName.values());
        assertThat(OrderSaga.STEPS).containsExactly(SagaStepName.values());
        for (SagaStepName step : SagaStepName.values()) {
            assertThat(SagaDefinition.of(step).name()).isEqualTo(step);
        }
    }

    @Test
    void eachRowReadsEveryReplyOfItsParticipantAndEachStandsForAnInputOfThatRowsStep() {
        for (StepDefinition<?> row : SagaDefinition.STEPS) {
            Class<?>[] replies = row.replies().family().getPermittedSubclasses();
            assertThat(row.replies().types()).containsExactlyInAnyOrder(Arrays.stream(replies).map(Class::getSimpleName).toArray(String[]::new));
            for (Class<?> reply : replies) {
                JsonObject fields = sampleFields(reply);
                Envelope envelope = envelope(reply.getSimpleName(), fields);

                assertThat(SagaDefinition.forReply(reply.getSimpleName())).containsSame(row);
                SagaInput input = row.input(envelope);
                assertThat(stepOf(input)).as(reply.getSimpleName()).isEqualTo(row.name());
                // Written and read in one place: what is read writes back the same fields.
                assertThat(((Reply) row.replies().read(envelope)).payload()).isEqualTo(fields);
                if (input instanceof SagaInput.StepSucceeded succeeded) {
                    // The result keys the reply fills are the ones the order command reads.
                    OrderCommand command = row.orderCommandOnSuccess(succeeded.result(), SAGA.order());
                    assertThat(command.toString()).as(reply.getSimpleName()).doesNotContain("unknown").doesNotContain("null");
                }
            }
        }
        assertThat(SagaDefinition.forReply("OrderShipped")).isEmpty();
    }

    @Test
    void theParticipantOfEachRowReadsBackTheActionAndTheCompensationTheRowSendsOnTheTopicItReads() {
        assertThat(PARTICIPANTS).containsOnlyKeys(SagaStepName.values());
        for (StepDefinition<?> row : SagaDefinition.STEPS) {
            ParticipantSide side = PARTICIPANTS.get(row.name());
            assertThat(row.requestTopic().apply(TOPICS)).isEqualTo(side.participant().requestTopic());
            Request action = row.request(SAGA, false);
            Request compensation = row.request(SAGA, true);
            assertThat(action.type()).isNotEqualTo(compensation.type());
            for (Request request : List.of(action, compensation)) {
                assertThat(side.parse().apply(envelope(request.type(), request.payload()))).isEqualTo(request);
            }
            for (StepDefinition<?> other : SagaDefinition.STEPS) {
                if (other != row) {
                    Request foreign = other.request(SAGA, false);
                    assertThatThrownBy(() -> side.parse().apply(envelope(foreign.type(), foreign.payload())))
                        .isInstanceOf(PoisonMessageException.class);
                }
            }
        }
    }

    @Test
    void theReservationKeepsTheOrdersLinesAsSentAndTheParticipantSumsThemPerSku() {
        ReserveStock sent = (ReserveStock) SagaDefinition.of(INVENTORY).request(SAGA, false);
        assertThat(sent.items()).extracting(ReserveStock.Item::sku).containsExactly("SKU-2", "SKU-1", "SKU-2");
        ReserveStock read = (ReserveStock) InventoryMessages.parse(envelope(sent.type(), sent.payload()));
        assertThat(read.quantities()).containsExactly(Map.entry("SKU-1", 2), Map.entry("SKU-2", 4));
    }

    private static Envelope envelope(String type, JsonObject payload) {
        return new Envelope(UUID.randomUUID().toString(), type, "Saga", SAGA.orderId(), 1, SAGA.orderId(), "cause", T0, payload);
    }

    /** A value for each of a reply record's fields, the order id being the envelope's. */
    private static JsonObject sampleFields(Class<?> reply) {
        JsonObject fields = new JsonObject();
        for (var component : reply.getRecordComponents()) {
            fields.put(component.getName(), component.getName().equals("orderId") ? SAGA.orderId() : "v-" + component.getName());
        }
        return fields;
    }

    private static SagaStepName stepOf(SagaInput input) {
        return switch (input) {
            case SagaInput.StepSucceeded s -> s.step();
            case SagaInput.StepFailed f -> f.step();
            case SagaInput.StepCompensated c -> c.step();
            default -> null;
        };
    }
}
