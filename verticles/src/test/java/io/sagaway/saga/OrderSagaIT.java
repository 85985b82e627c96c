package io.sagaway.saga;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.order.domain.Address;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The order saga end to end on the real services: every outcome of the contract, with balances and stock checked. */
class OrderSagaIT {

    private static SagaFixture platform;

    @BeforeAll
    static void start() {
        platform = SagaFixture.start(new SagaPolicy(Duration.ofSeconds(5), Duration.ofSeconds(16), Duration.ofMillis(200), Duration.ofSeconds(2),
            Duration.ofSeconds(5), 3));
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    private static String customer(String balance) {
        return platform.newCustomer(balance);
    }

    private static String sku(int available) {
        return platform.newSku(available);
    }

    private static List<String> timeline(SagaState saga) {
        return Await.result(new SagaStore().timeline(platform.schema().pool(), saga.sagaId())).stream()
            .map(e -> e.type() + (e.step() == null ? "" : " " + e.step())).toList();
    }

    @Test
    void theHappyPathPaysReservesShipsAndCompletes() {
        String alice = customer("1000.00");
        String sku = sku(10);

        String orderId = platform.placeOrder(alice, SagaFixture.SEOUL, new OrderItem(sku, 2, new BigDecimal("150.25")));
        SagaState saga = platform.awaitFinished(orderId);

        assertThat(saga.status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(saga.steps()).allMatch(s -> s.status() == StepStatus.SUCCEEDED);
        assertThat(saga.step(SagaStepName.SHIPPING).result().get("trackingNumber")).startsWith("KR");
        assertThat(platform.orderRow(orderId).getString("lastEvent")).isEqualTo("OrderShipped");
        assertThat(platform.balance(alice)).isEqualByComparingTo("699.50");
        assertThat(platform.stock(sku)).containsExactly(8, 2);
        assertThat(timeline(saga)).containsExactly("STARTED", "STEP_REQUESTED PAYMENT", "STEP_SUCCEEDED PAYMENT",
            "STEP_REQUESTED INVENTORY", "STEP_SUCCEEDED INVENTORY", "STEP_REQUESTED SHIPPING", "STEP_SUCCEEDED SHIPPING", "COMPLETED");
    }

    @Test
    void insufficientFundsFailsThePaymentStepAndChangesNoBalanceOrStock() {
        String poor = customer("10.00");
        String sku = sku(10);

        String orderId = platform.placeOrder(poor, SagaFixture.SEOUL, new OrderItem(sku, 1, new BigDecimal("99.99")));
        SagaState saga = platform.awaitFinished(orderId);

        assertThat(saga.status()).isEqualTo(SagaStatus.FAILED);
        assertThat(saga.failedStep()).isEqualTo(SagaStepName.PAYMENT);
        assertThat(saga.failureReason()).startsWith("INSUFFICIENT_FUNDS");
        assertThat(platform.orderRow(orderId).getString("lastEvent")).isEqualTo("OrderFailed");
        assertThat(platform.balance(poor)).isEqualByComparingTo("10.00");
        assertThat(platform.stock(sku)).containsExactly(10, 0);
    }

    @Test
    void tooLittleStockFailsTheInventoryStepAndRefundsThePayment() {
        String bob = customer("500.00");
        String sku = sku(3);

        String orderId = platform.placeOrder(bob, SagaFixture.SEOUL, new OrderItem(sku, 5, new BigDecimal("10")));
        SagaState saga = platform.awaitFinished(orderId);

        assertThat(saga.status()).isEqualTo(SagaStatus.FAILED);
        assertThat(saga.failureReason()).startsWith("OUT_OF_STOCK");
        assertThat(saga.step(SagaStepName.PAYMENT).status()).isEqualTo(StepStatus.COMPENSATED);
        assertThat(platform.balance(bob)).isEqualByComparingTo("500.00");
        assertThat(platform.stock(sku)).containsExactly(3, 0);
    }

    @Test
    void anUnknownSkuIsOutOfStock() {
        String bob = customer("500.00");
        String orderId = platform.placeOrder(bob, SagaFixture.SEOUL, new OrderItem("SKU-NOPE-" + UUID.randomUUID().toString().substring(0, 6), 1, BigDecimal.ONE));
        SagaState saga = platform.awaitFinished(orderId);
        assertThat(saga.failureReason()).startsWith("OUT_OF_STOCK").contains("unknown");
        assertThat(platform.balance(bob)).isEqualByComparingTo("500.00");
    }

    @Test
    void anUnservedCountryFailsShippingAndUndoesInventoryThenPaymentInThatOrder() {
        String carol = customer("300.00");
        String sku = sku(5);

        String orderId = platform.placeOrder(carol, new Address("1 Nowhere St", "Atlantis", "00000", "ZZ"),
            new OrderItem(sku, 1, new BigDecimal("120")));
        SagaState saga = platform.awaitFinished(orderId);

        assertThat(saga.status()).isEqualTo(SagaStatus.FAILED);
        assertThat(saga.failedStep()).isEqualTo(SagaStepName.SHIPPING);
        assertThat(saga.failureReason()).startsWith("ADDRESS_REJECTED");
        assertThat(platform.orderRow(orderId).getString("lastEvent")).isEqualTo("OrderFailed");
        assertThat(timeline(saga)).containsSubsequence("STEP_FAILED SHIPPING", "COMPENSATION_REQUESTED INVENTORY",
            "STEP_COMPENSATED INVENTORY", "COMPENSATION_REQUESTED PAYMENT", "STEP_COMPENSATED PAYMENT", "FAILED");
        assertThat(platform.balance(carol)).isEqualByComparingTo("300.00");
        assertThat(platform.stock(sku)).containsExactly(5, 0);
    }

    @Test
    void cancellingARunningOrderCompensatesWhatRanAndEndsCancelled() {
        String dave = customer("1000.00");
        String sku = sku(5);
        platform.undeploy(Part.SHIPPING); // hold the saga at its shipping step
        try {
            String orderId = platform.placeOrder(dave, SagaFixture.SEOUL, new OrderItem(sku, 2, new BigDecimal("100")));
            platform.awaitSaga(orderId, s -> s.step(SagaStepName.SHIPPING).status() == StepStatus.RUNNING, Duration.ofSeconds(30));
            assertThat(platform.balance(dave)).isEqualByComparingTo("800.00");

            assertThat(Await.result(platform.cancel(orderId)).status().name()).isEqualTo("COMPENSATING");
            platform.deploy(Part.SHIPPING);
            SagaState saga = platform.awaitFinished(orderId);

            assertThat(saga.status()).isEqualTo(SagaStatus.FAILED);
            assertThat(saga.cancelRequested()).isTrue();
            assertThat(saga.steps()).allMatch(s -> s.status() == StepStatus.COMPENSATED);
            assertThat(platform.orderRow(orderId).getString("lastEvent")).isEqualTo("OrderCancelled");
            assertThat(platform.balance(dave)).isEqualByComparingTo("1000.00");
            assertThat(platform.stock(sku)).containsExactly(5, 0);
            List<String> compensated = Await.result(new SagaStore().timeline(platform.schema().pool(), saga.sagaId())).stream()
                .filter(e -> e.type() == SagaEventType.STEP_COMPENSATED).map(TimelineEntry::step).map(Enum::name).toList();
            assertThat(compensated).containsExactly("SHIPPING", "INVENTORY", "PAYMENT");
        } finally {
            if (!platformHas(Part.SHIPPING)) {
                platform.deploy(Part.SHIPPING);
            }
        }
    }

    @Test
    void cancellingAShippedOrderIsAConflict() {
        String erin = customer("100.00");
        String orderId = platform.placeOrder(erin, SagaFixture.SEOUL, new OrderItem(sku(1), 1, BigDecimal.TEN));
        platform.awaitFinished(orderId);

        CommandFailure refused = (CommandFailure) Await.failure(platform.cancel(orderId));

        assertThat(refused.code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(platform.balance(erin)).isEqualByComparingTo("90.00");
    }

    private static boolean platformHas(Part part) {
        try {
            Field f = SagaFixture.class.getDeclaredField("deployments");
            f.setAccessible(true);
            return ((Map<?, ?>) f.get(platform)).containsKey(part);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
