package io.sagaway.saga.domain;

import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.saga.domain.SagaEffect.CommandOrder;
import io.sagaway.saga.domain.SagaEffect.SendStepRequest;
import io.sagaway.saga.domain.SagaInput.CancelRequested;
import io.sagaway.saga.domain.SagaInput.CompensationFailed;
import io.sagaway.saga.domain.SagaInput.OperatorRetry;
import io.sagaway.saga.domain.SagaInput.StepCompensated;
import io.sagaway.saga.domain.SagaInput.StepFailed;
import io.sagaway.saga.domain.SagaInput.StepSucceeded;
import io.sagaway.saga.domain.SagaInput.Tick;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.sagaway.saga.domain.SagaStepName.INVENTORY;
import static io.sagaway.saga.domain.SagaStepName.PAYMENT;
import static io.sagaway.saga.domain.SagaStepName.SHIPPING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OrderSagaTest {

    private static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    private static final SagaPolicy POLICY = new SagaPolicy(Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(1),
        Duration.ofSeconds(8), Duration.ofSeconds(5), 3);
    private static final SagaState.OrderData ORDER = new SagaState.OrderData("alice",
        List.of(new OrderItem("SKU-1", 2, new BigDecimal("50.00"))), new Address("1 Main", "Seoul", "04524", "KR"), "KRW",
        new BigDecimal("100.00"));

    private Instant clock = T0;
    private final List<SendStepRequest> sent = new ArrayList<>();
    private final List<OrderCommand> orderCommands = new ArrayList<>();
    private final List<TimelineEntry> timeline = new ArrayList<>();

    private OrderSaga start() {
        OrderSaga saga = OrderSaga.start("saga-1", "order-1", ORDER, POLICY, clock);
        collect(saga);
        return saga;
    }

    private OrderSaga on(OrderSaga saga, SagaInput input) {
        saga.handle(input, clock);
        collect(saga);
        return saga;
    }

    private void collect(OrderSaga saga) {
        saga.effects().forEach(e -> {
            switch (e) {
                case SendStepRequest r -> sent.add(r);
                case CommandOrder c -> orderCommands.add(c.command());
            }
        });
        timeline.addAll(saga.newTimeline());
    }

    private void advance(Duration by) {
        clock = clock.plus(by);
    }

    private List<String> requests() {
        return sent.stream().map(r -> r.step() + (r.compensation() ? " undo" : " do") + " #" + (r.compensation() ? "" : r.attempt())).toList();
    }

    private static StepSucceeded ok(SagaStepName step) {
        return new StepSucceeded(step, switch (step) {
            case PAYMENT -> Map.of(SagaDefinition.PAYMENT_ID, "pay-1");
            case INVENTORY -> Map.of(SagaDefinition.RESERVATION_ID, "res-1");
            case SHIPPING -> Map.of(SagaDefinition.SHIPMENT_ID, "ship-1", SagaDefinition.TRACKING_NUMBER, "KR123");
        });
    }

    @Nested
    class HappyPath {
        @Test
        void theStepsRunInOrderAndTheOrderIsRecordedAtEachThenTheSagaCompletes() {
            OrderSaga saga = start();
            on(saga, ok(PAYMENT));
            on(saga, ok(INVENTORY));
            on(saga, ok(SHIPPING));

            assertThat(requests()).containsExactly("PAYMENT do #1", "INVENTORY do #1", "SHIPPING do #1");
            assertThat(orderCommands).containsExactly(
                new OrderCommand.RecordPayment("pay-1", new BigDecimal("100.00")),
                new OrderCommand.RecordReservation("res-1"),
                new OrderCommand.RecordShipment("ship-1", "KR123"));
            assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPLETED);
            assertThat(saga.state().finishedAt()).isEqualTo(T0);
            assertThat(saga.state().steps()).allMatch(s -> s.status() == StepStatus.SUCCEEDED && s.attempts() == 1);
            assertThat(timeline).extracting(TimelineEntry::type).containsExactly(
                SagaEventType.STARTED, SagaEventType.STEP_REQUESTED, SagaEventType.STEP_SUCCEEDED,
                SagaEventType.STEP_REQUESTED, SagaEventType.STEP_SUCCEEDED, SagaEventType.STEP_REQUESTED,
                SagaEventType.STEP_SUCCEEDED, SagaEventType.COMPLETED);
            assertThat(saga.state().nextWakeup()).isNull();
        }

        @Test
        void duplicateAndLateRepliesChangeNothing() {
            OrderSaga saga = start();
            on(saga, ok(PAYMENT));
            int version = saga.state().version();

            on(saga, ok(PAYMENT));
            on(saga, new StepFailed(PAYMENT, "INSUFFICIENT_FUNDS: late"));
            on(saga, new StepCompensated(SHIPPING));

            assertThat(saga.changed()).isFalse();
            assertThat(saga.state().version()).isEqualTo(version);
            assertThat(requests()).containsExactly("PAYMENT do #1", "INVENTORY do #1");
        }

        @Test
        void everyChangeBumpsTheVersion() {
            OrderSaga saga = start();
            int v1 = saga.state().version();
            on(saga, ok(PAYMENT));
            assertThat(saga.state().version()).isEqualTo(v1 + 1);
        }
    }

    @Nested
    class Failures {
        @Test
        void aFirstStepFailureHasNothingToUndoAndFailsTheOrderWithItsReason() {
            OrderSaga saga = start();
            on(saga, new StepFailed(PAYMENT, "INSUFFICIENT_FUNDS: balance 10.00 below 100.00"));

            assertThat(saga.state().status()).isEqualTo(SagaStatus.FAILED);
            assertThat(saga.state().failedStep()).isEqualTo(PAYMENT);
            assertThat(saga.state().failureReason()).startsWith("INSUFFICIENT_FUNDS");
            assertThat(requests()).containsExactly("PAYMENT do #1");
            assertThat(orderCommands).containsExactly(
                new OrderCommand.StartCompensation("PAYMENT", "INSUFFICIENT_FUNDS: balance 10.00 below 100.00"),
                new OrderCommand.FailOrder("INSUFFICIENT_FUNDS: balance 10.00 below 100.00"));
        }

        @Test
        void aShippingFailureUndoesInventoryThenPaymentOneAtATime() {
            OrderSaga saga = start();
            on(saga, ok(PAYMENT));
            on(saga, ok(INVENTORY));
            on(saga, new StepFailed(SHIPPING, "ADDRESS_REJECTED: ZZ is not served"));

            assertThat(requests()).endsWith("INVENTORY undo #");
            assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATING);
            assertThat(saga.state().step(PAYMENT).status()).isEqualTo(StepStatus.SUCCEEDED);

            on(saga, new StepCompensated(INVENTORY));
            assertThat(requests()).endsWith("INVENTORY undo #", "PAYMENT undo #");
            on(saga, new StepCompensated(PAYMENT));

            assertThat(saga.state().status()).isEqualTo(SagaStatus.FAILED);
            assertThat(saga.state().step(SHIPPING).status()).isEqualTo(StepStatus.FAILED);
            assertThat(saga.state().step(INVENTORY).status()).isEqualTo(StepStatus.COMPENSATED);
            assertThat(saga.state().step(PAYMENT).status()).isEqualTo(StepStatus.COMPENSATED);
            assertThat(orderCommands).last().isEqualTo(new OrderCommand.FailOrder("ADDRESS_REJECTED: ZZ is not served"));
            assertThat(timeline).filteredOn(t -> t.type() == SagaEventType.STEP_COMPENSATED).extracting(TimelineEntry::step)
                .containsExactly(INVENTORY, PAYMENT);
        }

        @Test
        void anInventoryFailureUndoesOnlyPayment() {
            OrderSaga saga = start();
            on(saga, ok(PAYMENT));
            on(saga, new StepFailed(INVENTORY, "OUT_OF_STOCK: SKU-1 has 1 of 2"));
            on(saga, new StepCompensated(PAYMENT));

            assertThat(requests()).containsExactly("PAYMENT do #1", "INVENTORY do #1", "PAYMENT undo #");
            assertThat(saga.state().status()).isEqualTo(SagaStatus.FAILED);
            assertThat(saga.state().step(INVENTORY).mustCompensate()).isFalse();
        }
    }

    @Nested
    class TimeoutsAndRetries {
        @Test
        void aSilentStepIsRetriedWithExponentialBackoffThenFailsAndIsCompensatedToo() {
            OrderSaga saga = start();
            on(saga, ok(PAYMENT));
            // INVENTORY attempt 1 times out at +5 s; the retry waits 1 s; attempt 2 times out; the retry waits 2 s.
            advance(Duration.ofSeconds(5));
            on(saga, new Tick());
            assertThat(saga.state().step(INVENTORY).retryAt()).isEqualTo(clock.plusSeconds(1));
            advance(Duration.ofMillis(999));
            on(saga, new Tick());
            assertThat(requests()).containsExactly("PAYMENT do #1", "INVENTORY do #1");
            advance(Duration.ofMillis(1));
            on(saga, new Tick());
            assertThat(requests()).endsWith("INVENTORY do #2");
            advance(Duration.ofSeconds(5));
            on(saga, new Tick());
            assertThat(saga.state().step(INVENTORY).retryAt()).isEqualTo(clock.plusSeconds(2));
            advance(Duration.ofSeconds(2));
            on(saga, new Tick());
            assertThat(requests()).endsWith("INVENTORY do #3");
            advance(Duration.ofSeconds(5));
            on(saga, new Tick());

            StepState inventory = saga.state().step(INVENTORY);
            assertThat(inventory.status()).isEqualTo(StepStatus.COMPENSATING);
            assertThat(inventory.error()).startsWith("TIMEOUT: INVENTORY did not answer after 3 attempts");
            assertThat(saga.state().failureReason()).startsWith("TIMEOUT");
            assertThat(requests()).endsWith("INVENTORY undo #");
            assertThat(timeline).filteredOn(t -> t.type() == SagaEventType.STEP_TIMED_OUT).hasSize(3);
            assertThat(timeline).filteredOn(t -> t.type() == SagaEventType.STEP_RETRIED).hasSize(2);

            on(saga, new StepCompensated(INVENTORY));
            on(saga, new StepCompensated(PAYMENT));
            assertThat(saga.state().status()).isEqualTo(SagaStatus.FAILED);
        }

        /** Before: deadlines that passed while the platform was down all fired at restart and failed orders for nothing. */
        @Test
        void aDeadlineThatPassedWhileNoOrchestratorRanIsAskedAgainUncountedAndTheTimeAwayIsNotChargedToTheBudget() {
            OrderSaga saga = start();
            on(saga, ok(PAYMENT));
            // The platform dies right after requesting INVENTORY and comes back ten minutes later.
            advance(Duration.ofMinutes(10));
            on(saga, new Tick());
            StepState inventory = saga.state().step(INVENTORY);
            assertThat(inventory.status()).isEqualTo(StepStatus.RUNNING);
            assertThat(inventory.attempts()).isEqualTo(1);
            assertThat(inventory.deadline()).isEqualTo(clock.plus(POLICY.stepTimeout()));
            assertThat(requests()).containsExactly("PAYMENT do #1", "INVENTORY do #1", "INVENTORY do #1");
            assertThat(timeline.get(timeline.size() - 2).message()).contains("not counted");

            // From here the budget (15 s) counts as if the ten minutes never happened: attempts go on as usual.
            advance(Duration.ofSeconds(5));
            on(saga, new Tick());
            assertThat(saga.state().step(INVENTORY).retryAt()).isEqualTo(clock.plusSeconds(1));
            advance(Duration.ofSeconds(1));
            on(saga, new Tick());
            assertThat(requests()).endsWith("INVENTORY do #2");
            on(saga, ok(INVENTORY));
            assertThat(saga.state().step(INVENTORY).status()).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(saga.state().status()).isEqualTo(SagaStatus.RUNNING);
        }

        @Test
        void aRetryThatCameDueWhileNoOrchestratorRanDoesNotChargeTheTimeAwayEither() {
            OrderSaga saga = start();
            advance(Duration.ofSeconds(5));
            on(saga, new Tick());
            assertThat(saga.state().step(PAYMENT).retryAt()).isEqualTo(clock.plusSeconds(1));
            advance(Duration.ofMinutes(30));
            on(saga, new Tick());
            assertThat(requests()).endsWith("PAYMENT do #2");
            // 5 s counted before the outage, 5 more now: 10 + the 2 s backoff is within the 15 s budget, so attempt 3 follows.
            advance(Duration.ofSeconds(5));
            on(saga, new Tick());
            assertThat(saga.state().step(PAYMENT).status()).isEqualTo(StepStatus.RUNNING);
            assertThat(saga.state().step(PAYMENT).retryAt()).isEqualTo(clock.plusSeconds(2));
        }

        @Test
        void aLateCompensationDeadlineIsAskedAgainWithoutCountingTowardsTheFlag() {
            OrderSaga saga = start();
            on(saga, ok(PAYMENT));
            on(saga, new StepFailed(INVENTORY, "OUT_OF_STOCK: SKU-1"));
            assertThat(requests()).endsWith("PAYMENT undo #");
            for (int outage = 0; outage < POLICY.flagAfter() + 2; outage++) {
                advance(Duration.ofMinutes(5));
                on(saga, new Tick());
            }
            StepState payment = saga.state().step(PAYMENT);
            assertThat(payment.status()).isEqualTo(StepStatus.COMPENSATING);
            assertThat(payment.compensationAttempts()).isEqualTo(1);
            assertThat(saga.state().flagged()).isFalse();
        }

        @Test
        void aLateSuccessOfAnEarlierAttemptCountsAndCancelsTheRetry() {
            OrderSaga saga = start();
            advance(Duration.ofSeconds(5));
            on(saga, new Tick());
            assertThat(saga.state().step(PAYMENT).retryAt()).isNotNull();

            on(saga, ok(PAYMENT));

            assertThat(saga.state().step(PAYMENT).status()).isEqualTo(StepStatus.SUCCEEDED);
            assertThat(saga.state().step(PAYMENT).retryAt()).isNull();
            assertThat(requests()).containsExactly("PAYMENT do #1", "INVENTORY do #1");
        }

        @Test
        void theNextWakeupIsTheEarliestDeadline() {
            OrderSaga saga = start();
            assertThat(saga.state().nextWakeup()).isEqualTo(T0.plusSeconds(5));
        }

        @Test
        void aCompensationThatFailsIsRetriedAndFlagsTheSagaButIsNeverDroppedAndThenSucceeds() {
            OrderSaga saga = start();
            on(saga, ok(PAYMENT));
            on(saga, new StepFailed(INVENTORY, "OUT_OF_STOCK: none left"));
            for (int attempt = 1; attempt <= 4; attempt++) {
                on(saga, new CompensationFailed(PAYMENT, "ledger unavailable"));
                advance(POLICY.backoffMax());
                on(saga, new Tick());
            }

            assertThat(saga.state().flagged()).isTrue();
            assertThat(saga.state().flagReason()).contains("PAYMENT").contains("ledger unavailable");
            assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATING);
            assertThat(sent.stream().filter(SendStepRequest::compensation)).hasSize(5);

            on(saga, new StepCompensated(PAYMENT));
            assertThat(saga.state().status()).isEqualTo(SagaStatus.FAILED);
            assertThat(saga.state().flagged()).isFalse();
        }

        @Test
        void aCompensationThatTimesOutIsRetriedForEver() {
            OrderSaga saga = start();
            on(saga, new StepFailed(PAYMENT, "INSUFFICIENT_FUNDS"));
            saga = start();
            sent.clear();
            on(saga, ok(PAYMENT));
            on(saga, new StepFailed(INVENTORY, "OUT_OF_STOCK"));
            for (int i = 0; i < 10; i++) {
                advance(POLICY.compensationTimeout());
                on(saga, new Tick());
                advance(POLICY.backoffMax());
                on(saga, new Tick());
            }
            assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATING);
            assertThat(sent.stream().filter(SendStepRequest::compensation)).hasSize(11);
            assertThat(saga.state().flagged()).isTrue();
        }

        @Test
        void backoffDoublesUpToItsCeiling() {
            assertThat(POLICY.backoffBefore(2)).isEqualTo(Duration.ofSeconds(1));
            assertThat(POLICY.backoffBefore(3)).isEqualTo(Duration.ofSeconds(2));
            assertThat(POLICY.backoffBefore(4)).isEqualTo(Duration.ofSeconds(4));
            assertThat(POLICY.backoffBefore(9)).isEqualTo(Duration.ofSeconds(8));
        }
    }

    @Nested
    class Cancelling {
        @Test
        void aCancelStopsForwardProgressAndUndoesTheStepInFlightAndThoseBeforeIt() {
            OrderSaga saga = start();
            on(saga, ok(PAYMENT));
            on(saga, new CancelRequested("changed my mind"));

            assertThat(saga.state().status()).isEqualTo(SagaStatus.COMPENSATING);
            assertThat(requests()).containsExactly("PAYMENT do #1", "INVENTORY do #1", "INVENTORY undo #");
            on(saga, ok(INVENTORY)); // the action in flight completes: it is being undone already
            on(saga, new StepCompensated(INVENTORY));
            on(saga, new StepCompensated(PAYMENT));

            assertThat(requests()).containsExactly("PAYMENT do #1", "INVENTORY do #1", "INVENTORY undo #", "PAYMENT undo #");
            assertThat(saga.state().status()).isEqualTo(SagaStatus.FAILED);
            assertThat(saga.state().cancelRequested()).isTrue();
            assertThat(saga.state().failureReason()).isEqualTo("CANCELLED: changed my mind");
            assertThat(orderCommands).last().isEqualTo(new OrderCommand.ConfirmCancellation());
            assertThat(orderCommands).noneMatch(c -> c instanceof OrderCommand.RecordReservation);
        }

        @Test
        void aCancelOfAFinishedOrFailingSagaChangesNothing() {
            OrderSaga saga = start();
            on(saga, ok(PAYMENT));
            on(saga, new StepFailed(INVENTORY, "OUT_OF_STOCK"));
            int version = saga.state().version();
            on(saga, new CancelRequested("too late"));
            assertThat(saga.state().version()).isEqualTo(version);
            assertThat(saga.state().cancelRequested()).isFalse();
        }
    }

    @Nested
    class Operators {
        @Test
        void anOperatorRetrySendsAWaitingRetryAtOnce() {
            OrderSaga saga = start();
            advance(Duration.ofSeconds(5));
            on(saga, new Tick());
            on(saga, new OperatorRetry());
            assertThat(requests()).containsExactly("PAYMENT do #1", "PAYMENT do #2");
        }

        @Test
        void anOperatorRetryResendsAStuckCompensation() {
            OrderSaga saga = start();
            on(saga, ok(PAYMENT));
            on(saga, new StepFailed(INVENTORY, "OUT_OF_STOCK"));
            on(saga, new OperatorRetry());
            assertThat(sent.stream().filter(SendStepRequest::compensation)).hasSize(2);
        }

        @Test
        void aFinishedSagaCannotBeRetried() {
            OrderSaga saga = start();
            on(saga, new StepFailed(PAYMENT, "INSUFFICIENT_FUNDS"));
            assertThatThrownBy(() -> saga.handle(new OperatorRetry(), clock)).isInstanceOf(IllegalStateException.class);
        }
    }
}
