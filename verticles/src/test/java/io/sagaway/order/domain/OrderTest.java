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
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Given events, when a command, then events or a rejection. */
class OrderTest {

    private static final String ID = "order-1";
    private static final Address SEOUL = new Address("1 Sejong-daero", "Seoul", "04524", "KR");
    private static final List<OrderItem> ITEMS = List.of(
        new OrderItem("SKU-1", 2, new BigDecimal("1500.50")),
        new OrderItem("SKU-2", 1, new BigDecimal("999")));
    private static final BigDecimal TOTAL = new BigDecimal("4000.00");

    private static final OrderPlaced PLACED = new OrderPlaced(ID, "alice", ITEMS, SEOUL, "KRW", TOTAL);
    private static final PaymentReceived PAID = new PaymentReceived("pay-1", TOTAL);
    private static final StockReserved RESERVED = new StockReserved("res-1");
    private static final OrderShipped SHIPPED = new OrderShipped("ship-1", "KR123");

    // --- the given/when/then fixture ---

    private static Order given(OrderEvent... events) {
        List<Order.Recorded> recorded = new ArrayList<>();
        for (int i = 0; i < events.length; i++) {
            recorded.add(new Order.Recorded(i + 1, Instant.parse("2026-11-26T12:00:00Z").plusSeconds(i), events[i]));
        }
        return Order.replay(ID, recorded);
    }

    private static void expectEvents(Order order, OrderCommand command, OrderEvent... expected) {
        assertThat(order.decide(command)).isEqualTo(new Decision.Accepted(Arrays.asList(expected)));
    }

    private static Decision.Rejected expectRejection(Order order, OrderCommand command, ErrorCode code) {
        Decision decision = order.decide(command);
        assertThat(decision).isInstanceOf(Decision.Rejected.class);
        Decision.Rejected rejected = (Decision.Rejected) decision;
        assertThat(rejected.code()).isEqualTo(code);
        return rejected;
    }

    private static PlaceOrder place() {
        return new PlaceOrder(ID, "alice", ITEMS, SEOUL, "KRW");
    }

    @Nested
    class Placing {
        @Test
        void aNewOrderIsPlacedWithItsExactTotal() {
            expectEvents(given(), place(), PLACED);
        }

        @Test
        void placingTheSameOrderTwiceIsAConflict() {
            expectRejection(given(PLACED), place(), ErrorCode.CONFLICT);
        }

        @Test
        void aPlacedOrderIsPendingAtVersionOne() {
            Order order = given(PLACED);
            assertThat(order.status()).isEqualTo(OrderStatus.PENDING);
            assertThat(order.version()).isEqualTo(1);
            assertThat(order.view().totalAmount()).isEqualByComparingTo("4000");
            assertThat(order.view().createdAt()).isEqualTo(Instant.parse("2026-11-26T12:00:00Z"));
        }

        @Test
        void invalidInputIsRefusedNamingTheField() {
            var bad = new PlaceOrder(ID, "alice", List.of(new OrderItem("SKU-1", 0, BigDecimal.ONE)), SEOUL, "KRW");
            assertThat(expectRejection(given(), bad, ErrorCode.BAD_USER_INPUT).field()).isEqualTo("items[0].quantity");
        }

        @Test
        void anyOtherCommandOnAnOrderThatDoesNotExistIsNotFound() {
            expectRejection(given(), new RecordPayment("pay-1", TOTAL), ErrorCode.NOT_FOUND);
            expectRejection(given(), new CancelOrder("changed my mind"), ErrorCode.NOT_FOUND);
        }
    }

    @Nested
    class MovingForward {
        @Test
        void aPaymentOfTheTotalMakesAPendingOrderPaid() {
            expectEvents(given(PLACED), new RecordPayment("pay-1", new BigDecimal("4000")), new PaymentReceived("pay-1", new BigDecimal("4000")));
            assertThat(given(PLACED, PAID).status()).isEqualTo(OrderStatus.PAID);
        }

        @Test
        void aPaymentOfAnotherAmountIsAConflict() {
            expectRejection(given(PLACED), new RecordPayment("pay-1", BigDecimal.TEN), ErrorCode.CONFLICT);
        }

        @Test
        void aReservationMakesAPaidOrderReserved() {
            expectEvents(given(PLACED, PAID), new RecordReservation("res-1"), RESERVED);
            assertThat(given(PLACED, PAID, RESERVED).status()).isEqualTo(OrderStatus.RESERVED);
        }

        @Test
        void aShipmentMakesAReservedOrderShippedWithItsTrackingNumber() {
            expectEvents(given(PLACED, PAID, RESERVED), new RecordShipment("ship-1", "KR123"), SHIPPED);
            Order shipped = given(PLACED, PAID, RESERVED, SHIPPED);
            assertThat(shipped.status()).isEqualTo(OrderStatus.SHIPPED);
            assertThat(shipped.view().trackingNumber()).isEqualTo("KR123");
        }

        @Test
        void stepsOutOfOrderAreConflicts() {
            expectRejection(given(PLACED), new RecordReservation("res-1"), ErrorCode.CONFLICT);
            expectRejection(given(PLACED), new RecordShipment("ship-1", "KR1"), ErrorCode.CONFLICT);
            expectRejection(given(PLACED, PAID), new RecordShipment("ship-1", "KR1"), ErrorCode.CONFLICT);
            expectRejection(given(PLACED, PAID, RESERVED), new RecordPayment("pay-2", TOTAL), ErrorCode.CONFLICT);
        }

        @Test
        void aRedeliveredStepReplyIsAcceptedWithNoNewEvent() {
            expectEvents(given(PLACED, PAID), new RecordPayment("pay-1", TOTAL));
            expectEvents(given(PLACED, PAID, RESERVED), new RecordReservation("res-1"));
            expectEvents(given(PLACED, PAID, RESERVED, SHIPPED), new RecordShipment("ship-1", "KR123"));
        }

        @Test
        void nothingMovesAShippedOrder() {
            Order shipped = given(PLACED, PAID, RESERVED, SHIPPED);
            expectRejection(shipped, new StartCompensation("SHIPPING", "late"), ErrorCode.CONFLICT);
            expectRejection(shipped, new FailOrder("late"), ErrorCode.CONFLICT);
            expectRejection(shipped, new CancelOrder("too late"), ErrorCode.CONFLICT);
        }
    }

    @Nested
    class FailingAndCompensating {
        private final CompensationStarted compensating = new CompensationStarted("SHIPPING", "ADDRESS_REJECTED: ZZ is not served");

        @Test
        void aFailedStepStartsCompensationFromAnyRunningStatus() {
            expectEvents(given(PLACED), new StartCompensation("PAYMENT", "INSUFFICIENT_FUNDS"), new CompensationStarted("PAYMENT", "INSUFFICIENT_FUNDS"));
            expectEvents(given(PLACED, PAID, RESERVED), new StartCompensation("SHIPPING", compensating.reason()), compensating);
            Order order = given(PLACED, PAID, RESERVED, compensating);
            assertThat(order.status()).isEqualTo(OrderStatus.COMPENSATING);
            assertThat(order.view().failureReason()).startsWith("ADDRESS_REJECTED");
        }

        @Test
        void startingCompensationTwiceAddsNothing() {
            expectEvents(given(PLACED, PAID, compensating), new StartCompensation("SHIPPING", "again"));
        }

        @Test
        void aCompensatedOrderFailsWithItsReason() {
            expectEvents(given(PLACED, PAID, RESERVED, compensating), new FailOrder(compensating.reason()), new OrderFailed(compensating.reason()));
            Order failed = given(PLACED, PAID, RESERVED, compensating, new OrderFailed(compensating.reason()));
            assertThat(failed.status()).isEqualTo(OrderStatus.FAILED);
            assertThat(failed.view().failureReason()).startsWith("ADDRESS_REJECTED");
        }

        @Test
        void aFirstStepFailureWithNothingToUndoFailsAPendingOrderDirectly() {
            expectEvents(given(PLACED), new FailOrder("INSUFFICIENT_FUNDS: balance 10 below 4000"), new OrderFailed("INSUFFICIENT_FUNDS: balance 10 below 4000"));
        }

        @Test
        void failingAFailedOrderAgainAddsNothingAndAFailedOrderCannotMove() {
            Order failed = given(PLACED, new OrderFailed("INSUFFICIENT_FUNDS"));
            expectEvents(failed, new FailOrder("INSUFFICIENT_FUNDS"));
            expectRejection(failed, new RecordPayment("pay-1", TOTAL), ErrorCode.CONFLICT);
            expectRejection(failed, new CancelOrder("no"), ErrorCode.CONFLICT);
            expectRejection(failed, new StartCompensation("PAYMENT", "x"), ErrorCode.CONFLICT);
        }

        @Test
        void aStepThatCompletesDuringCompensationIsNotRecorded() {
            expectRejection(given(PLACED, PAID, compensating), new RecordReservation("res-1"), ErrorCode.CONFLICT);
        }
    }

    @Nested
    class Cancelling {
        private final CancellationRequested requested = new CancellationRequested("customer changed their mind");

        @Test
        void aRunningOrderCanBeCancelledWhichStartsCompensation() {
            expectEvents(given(PLACED, PAID), new CancelOrder("customer changed their mind"), requested);
            assertThat(given(PLACED, PAID, requested).status()).isEqualTo(OrderStatus.COMPENSATING);
        }

        @Test
        void cancellingTwiceAddsNothing() {
            expectEvents(given(PLACED, requested), new CancelOrder("again"));
        }

        @Test
        void theSagaConfirmsTheCancellationOnceCompensated() {
            expectEvents(given(PLACED, PAID, requested), new ConfirmCancellation(), new OrderCancelled(requested.reason()));
            Order cancelled = given(PLACED, PAID, requested, new OrderCancelled(requested.reason()));
            assertThat(cancelled.status()).isEqualTo(OrderStatus.CANCELLED);
            expectEvents(cancelled, new ConfirmCancellation());
        }

        @Test
        void aCancelledOrderCannotBeCancelledAgainOrFailed() {
            Order cancelled = given(PLACED, requested, new OrderCancelled(requested.reason()));
            expectRejection(cancelled, new CancelOrder("again"), ErrorCode.CONFLICT);
            expectRejection(cancelled, new FailOrder("x"), ErrorCode.CONFLICT);
        }

        @Test
        void anOrderCompensatingAfterAFailureCannotBeCancelled() {
            expectRejection(given(PLACED, PAID, new CompensationStarted("INVENTORY", "OUT_OF_STOCK")), new CancelOrder("x"), ErrorCode.CONFLICT);
        }

        @Test
        void aCancellationCannotBeConfirmedUnlessRequested() {
            expectRejection(given(PLACED, PAID), new ConfirmCancellation(), ErrorCode.CONFLICT);
            expectRejection(given(PLACED, new CompensationStarted("PAYMENT", "x")), new ConfirmCancellation(), ErrorCode.CONFLICT);
        }

        @Test
        void aCancelledOrderCannotFailEvenWhileCompensating() {
            expectRejection(given(PLACED, requested), new FailOrder("x"), ErrorCode.CONFLICT);
        }
    }

    @Nested
    class Replaying {
        @Test
        void aSnapshotPlusTheLaterEventsGivesTheSameStateAsTheWholeStream() {
            Order upToTwo = given(PLACED, PAID);
            Order restored = Order.fromView(upToTwo.view());
            restored.apply(new Order.Recorded(3, Instant.parse("2026-11-26T12:00:02Z"), RESERVED));

            assertThat(restored.view()).isEqualTo(given(PLACED, PAID, RESERVED).view());
        }

        @Test
        void anEventOutOfSequenceIsRefused() {
            Order order = given(PLACED);
            Assertions.assertThatThrownBy(
                    () -> order.apply(new Order.Recorded(3, Instant.now(), RESERVED)))
                .isInstanceOf(IllegalStateException.class);
        }

        @Test
        void statusesOnlyMoveForward() {
            List<OrderStatus> seen = new ArrayList<>();
            OrderEvent[] stream = {PLACED, PAID, RESERVED, SHIPPED};
            for (int i = 1; i <= stream.length; i++) {
                seen.add(given(Arrays.copyOf(stream, i)).status());
            }
            assertThat(seen).isSorted();
        }
    }
}
