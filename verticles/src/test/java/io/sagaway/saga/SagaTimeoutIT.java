package io.sagaway.saga;

import io.sagaway.messaging.Addresses;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.saga.domain.SagaEventType;
import io.sagaway.saga.domain.SagaPolicy;
import io.sagaway.saga.domain.SagaState;
import io.sagaway.saga.domain.SagaStatus;
import io.sagaway.saga.domain.SagaStepName;
import io.sagaway.saga.domain.StepStatus;
import io.sagaway.saga.domain.TimelineEntry;
import io.sagaway.testing.Await;
import io.sagaway.testing.SagaFixture.Part;
import io.sagaway.testing.SagaFixture;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Steps that do not answer: retried with backoff, then failed and compensated; compensations never given up. */
class SagaTimeoutIT {

    private static SagaFixture platform;

    @BeforeAll
    static void start() {
        // Short timeouts: an attempt gets 1 s, an action a retry budget of 2 s (2 attempts), a compensation is flagged after 2 attempts.
        platform = SagaFixture.start(new SagaPolicy(Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofMillis(800),
            Duration.ofSeconds(1), 2));
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    @Test
    void aStepThatNeverAnswersIsRetriedThenFailsAndItsCompensationIsRetriedFlaggedAndFinallyCompletes() {
        String grace = "c-" + UUID.randomUUID().toString().substring(0, 8);
        platform.credit(grace, "1000.00");
        String sku = "SKU-" + UUID.randomUUID().toString().substring(0, 8);
        platform.setStock(sku, 10);
        platform.undeploy(Part.INVENTORY);
        try {
            String orderId = platform.placeOrder(grace, SagaFixture.SEOUL, new OrderItem(sku, 3, new BigDecimal("50")));

            SagaState flagged = platform.awaitSaga(orderId, SagaState::flagged, Duration.ofSeconds(30));
            assertThat(flagged.status()).isEqualTo(SagaStatus.COMPENSATING);
            assertThat(flagged.failureReason()).startsWith("TIMEOUT: INVENTORY did not answer after 2 attempts");
            assertThat(flagged.step(SagaStepName.INVENTORY).attempts()).isEqualTo(2);
            assertThat(flagged.step(SagaStepName.INVENTORY).status()).isEqualTo(StepStatus.COMPENSATING);
            assertThat(flagged.flagReason()).contains("INVENTORY");
            assertThat(platform.balance(grace)).isEqualByComparingTo("850.00");

            // The operator's retry is accepted while it is stuck.
            JsonObject retried = Await.result(platform.vertx().eventBus().<JsonObject>request(Addresses.SAGA_COMMANDS,
                new JsonObject().put("sagaId", flagged.sagaId()))).body();
            assertThat(retried.getString("status")).isEqualTo("COMPENSATING");

            platform.deploy(Part.INVENTORY);
            SagaState finished = platform.awaitFinished(orderId);

            assertThat(finished.status()).isEqualTo(SagaStatus.FAILED);
            assertThat(finished.flagged()).isFalse();
            assertThat(finished.step(SagaStepName.INVENTORY).status()).isEqualTo(StepStatus.COMPENSATED);
            assertThat(finished.step(SagaStepName.PAYMENT).status()).isEqualTo(StepStatus.COMPENSATED);
            assertThat(platform.orderRow(orderId).getString("lastEvent")).isEqualTo("OrderFailed");
            // The late reservation ran, then was released: stock and money are back.
            assertThat(platform.stock(sku)).containsExactly(10, 0);
            assertThat(platform.balance(grace)).isEqualByComparingTo("1000.00");
            var timeline = Await.result(new SagaStore().timeline(platform.schema().pool(), finished.sagaId()));
            assertThat(timeline.stream().filter(e -> e.type() == SagaEventType.STEP_TIMED_OUT).mapToInt(TimelineEntry::times).sum())
                .isGreaterThanOrEqualTo(3);
            assertThat(timeline).anyMatch(e -> e.type() == SagaEventType.STEP_RETRIED && e.step() == SagaStepName.INVENTORY);
        } finally {
            if (!platform.isDeployed(Part.INVENTORY)) {
                platform.deploy(Part.INVENTORY);
            }
        }
    }

    /**
     * Before: every SagaUpdated carried the whole timeline, and each retry cycle of a compensation
     * added entries, so the load grew quadratically and messages headed for Kafka's size limit.
     */
    @Test
    void aCompensationRetriedForLongKeepsItsTimelineFoldedAndItsMessagesSmall() {
        String ida = "c-" + UUID.randomUUID().toString().substring(0, 8);
        platform.credit(ida, "1000.00");
        String sku = "SKU-" + UUID.randomUUID().toString().substring(0, 8);
        platform.setStock(sku, 10);
        platform.undeploy(Part.INVENTORY);
        String orderId = platform.placeOrder(ida, SagaFixture.SEOUL, new OrderItem(sku, 1, new BigDecimal("5")));
        try {
            SagaState looping = platform.awaitSaga(orderId, s -> s.step(SagaStepName.INVENTORY).compensationAttempts() >= 8,
                Duration.ofSeconds(60));

            var timeline = Await.result(new SagaStore().timeline(platform.schema().pool(), looping.sagaId()));
            assertThat(timeline).as("entries, with 8 compensation attempts behind").hasSizeLessThan(16);
            assertThat(timeline).anyMatch(e -> e.step() == SagaStepName.INVENTORY && e.times() >= 5 && e.firstAt() != null);

            List<JsonObject> messages = platform.recordsOf(Set.of(orderId)).stream()
                .filter(r -> r.topic().equals(platform.topics().sagaEvents())).map(r -> new JsonObject(r.value()).getJsonObject("payload"))
                .toList();
            assertThat(messages).hasSizeGreaterThan(10);
            assertThat(messages).allSatisfy(m -> {
                assertThat(m.containsKey("timeline")).isFalse();
                assertThat(m.getJsonArray("timelineTail").size()).isLessThanOrEqualTo(8);
            });
            assertThat(messages.get(messages.size() - 1).getInteger("timelineFrom")).isPositive();
        } finally {
            platform.deploy(Part.INVENTORY);
        }
        assertThat(platform.awaitFinished(orderId).status()).isEqualTo(SagaStatus.FAILED);
    }

    @Test
    void retryingAFinishedSagaIsAConflictAndAnUnknownOneIsNotFound() {
        String henry = "c-" + UUID.randomUUID().toString().substring(0, 8);
        platform.credit(henry, "5.00");
        String orderId = platform.placeOrder(henry, SagaFixture.SEOUL, new OrderItem("SKU-1", 1, new BigDecimal("50")));
        SagaState failed = platform.awaitFinished(orderId);

        Throwable conflict = Await.failure(platform.vertx().eventBus().request(Addresses.SAGA_COMMANDS,
            new JsonObject().put("sagaId", failed.sagaId())));
        Throwable missing = Await.failure(platform.vertx().eventBus().request(Addresses.SAGA_COMMANDS,
            new JsonObject().put("sagaId", "no-such-saga")));

        assertThat(((ReplyException) conflict).failureCode()).isEqualTo(409);
        assertThat(((ReplyException) missing).failureCode()).isEqualTo(404);
    }
}
