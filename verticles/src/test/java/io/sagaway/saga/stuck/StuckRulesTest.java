package io.sagaway.saga.stuck;

import io.sagaway.saga.domain.SagaEventType;
import io.sagaway.saga.domain.SagaState;
import io.sagaway.saga.domain.SagaStatus;
import io.sagaway.saga.domain.SagaStepName;
import io.sagaway.saga.domain.StepState;
import io.sagaway.saga.domain.StepStatus;
import io.sagaway.saga.domain.TimelineEntry;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class StuckRulesTest {

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final Duration STALLED = Duration.ofSeconds(10);
    private static final Map<String, Long> USUAL = Map.of("INVENTORY", 40L);

    private static StepState step(SagaStepName name, StepStatus status, int attempts, String error, Instant deadline, Instant retryAt) {
        return new StepState(name, status, attempts, 0, NOW.minusSeconds(30), null, error, deadline, retryAt, true, Map.of(), null);
    }

    private static SagaState saga(SagaStatus status, boolean flagged, StepState inventory) {
        return new SagaState("s-1", "o-1", new SagaState.OrderData("alice", List.of(), null, "KRW", BigDecimal.TEN), status,
            SagaStepName.INVENTORY, null, null, false, flagged, flagged ? "release keeps failing" : null,
            List.of(new StepState(SagaStepName.PAYMENT, StepStatus.SUCCEEDED, 1, 0, NOW.minusSeconds(40), NOW.minusSeconds(35), null, null,
                null, true, Map.of(), null), inventory, StepState.pending(SagaStepName.SHIPPING)), 5, NOW.minusSeconds(40),
            NOW.minusSeconds(3), null);
    }

    /** Requested 25 s ago (first at), timed out and retried since: the wait counts from the first request. */
    private static final List<TimelineEntry> REQUESTED_25_S_AGO = List.of(
        new TimelineEntry(NOW.minusSeconds(40), SagaEventType.STARTED, null, "started"),
        new TimelineEntry(NOW.minusSeconds(5), SagaEventType.STEP_REQUESTED, SagaStepName.INVENTORY, "attempt 2", 2, NOW.minusSeconds(25)),
        new TimelineEntry(NOW.minusSeconds(4), SagaEventType.STEP_TIMED_OUT, SagaStepName.INVENTORY, "attempt 1 got no answer"),
        new TimelineEntry(NOW.minusSeconds(3), SagaEventType.STEP_RETRIED, SagaStepName.INVENTORY, "attempt 2"));

    private static final Evidence.Sent REQUEST = new Evidence.Sent("m-1", "ReserveStock", "inventory.requests", "inventory", 10, true, 3,
        41L, false);

    private static StuckSaga classify(SagaState saga, Evidence evidence) {
        return StuckRules.classify(saga, REQUESTED_25_S_AGO, evidence, NOW, STALLED, USUAL).orElseThrow();
    }

    @Test
    void aStepWhoseConsumerIsNotRunningIsWaitingOnItsParticipantForSoLongAgainstItsUsualLatency() {
        SagaState waiting = saga(SagaStatus.RUNNING, false, step(SagaStepName.INVENTORY, StepStatus.RUNNING, 2, null, NOW.plusSeconds(5), null));
        StuckSaga stuck = classify(waiting, new Evidence(Optional.empty(), Optional.of(REQUEST), Optional.empty(),
            Optional.of(new Evidence.PartitionLag("inventory", "inventory.requests", 3, 0, 40, 42))));

        assertThat(stuck.reason()).isEqualTo(StuckReason.WAITING_ON_PARTICIPANT);
        assertThat(stuck.explanation()).startsWith("waiting on INVENTORY for 25 s (usually 40 ms): no inventory consumer is running")
            .contains("ReserveStock waits on inventory.requests[3] at offset 41");
        assertThat(stuck.waitingSeconds()).isEqualTo(25);
        assertThat(stuck.usualLatencyMs()).isEqualTo(40);
        assertThat(stuck.lag()).isEqualTo(2);
        assertThat(stuck.action()).isEqualTo(StuckAction.CANCEL);
    }

    @Test
    void aStepWhoseRequestWasReadIsWaitingOnItsParticipantUntilItsTimeout() {
        SagaState waiting = saga(SagaStatus.RUNNING, false, step(SagaStepName.INVENTORY, StepStatus.RUNNING, 2, null, NOW.plusSeconds(5), null));
        Evidence.Sent read = new Evidence.Sent("m-1", "ReserveStock", "inventory.requests", "inventory", 10, true, 3, 41L, true);
        StuckSaga stuck = classify(waiting, new Evidence(Optional.empty(), Optional.of(read), Optional.empty(), Optional.empty()));

        assertThat(stuck.reason()).isEqualTo(StuckReason.WAITING_ON_PARTICIPANT);
        assertThat(stuck.explanation()).isEqualTo("waiting on INVENTORY for 25 s (usually 40 ms), attempt 2");
        assertThat(stuck.until()).isEqualTo(NOW.plusSeconds(5));
    }

    @Test
    void aRunningConsumerBehindOnThePartitionIsLagging() {
        SagaState waiting = saga(SagaStatus.RUNNING, false, step(SagaStepName.INVENTORY, StepStatus.RUNNING, 1, null, NOW.plusSeconds(5), null));
        StuckSaga stuck = classify(waiting, new Evidence(Optional.empty(), Optional.of(REQUEST), Optional.empty(),
            Optional.of(new Evidence.PartitionLag("inventory", "inventory.requests", 3, 2, 12, 912))));

        assertThat(stuck.reason()).isEqualTo(StuckReason.CONSUMER_LAGGING);
        assertThat(stuck.explanation()).isEqualTo("inventory is 900 record(s) behind on inventory.requests[3]; its ReserveStock waits at offset 41");
        assertThat(stuck.lag()).isEqualTo(900);
        assertThat(stuck.action()).isEqualTo(StuckAction.WAIT);
    }

    @Test
    void aFailedAttemptWithTheNextScheduledIsRetryingWithItsErrorAndAttempt() {
        SagaState retrying = saga(SagaStatus.RUNNING, false,
            step(SagaStepName.INVENTORY, StepStatus.RUNNING, 2, "attempt 2 got no answer within 10000 ms", null, NOW.plusSeconds(2)));
        StuckSaga stuck = classify(retrying, Evidence.NONE);

        assertThat(stuck.reason()).isEqualTo(StuckReason.RETRYING);
        assertThat(stuck.explanation()).isEqualTo("retrying INVENTORY: attempt 2 failed (attempt 2 got no answer within 10000 ms); attempt 3 at "
            + NOW.plusSeconds(2));
        assertThat(stuck.attempt()).isEqualTo(2);
        assertThat(stuck.action()).isEqualTo(StuckAction.RETRY);
    }

    @Test
    void aTimeoutLongOverdueMeansNoOrchestratorFiresItsTimers() {
        SagaState overdue = saga(SagaStatus.RUNNING, false, step(SagaStepName.INVENTORY, StepStatus.RUNNING, 1, null, NOW.minusSeconds(60), null));
        StuckSaga stuck = classify(overdue, Evidence.NONE);

        assertThat(stuck.reason()).isEqualTo(StuckReason.WAITING_ON_TIMER);
        assertThat(stuck.explanation()).contains("was due at " + NOW.minusSeconds(60) + ", 60 s ago, and has not fired");
    }

    @Test
    void aParkedMessageOrAFailingCompensationIsStuckAtOnceAndWinsOverAnyWait() {
        // Changed 1 s ago: not stalled long, but nothing will move it without an operator.
        List<TimelineEntry> justNow = List.of(new TimelineEntry(NOW.minusSeconds(1), SagaEventType.STEP_REQUESTED, SagaStepName.INVENTORY,
            "attempt 1"));
        SagaState waiting = saga(SagaStatus.RUNNING, false, step(SagaStepName.INVENTORY, StepStatus.RUNNING, 1, null, NOW.plusSeconds(5), null));
        StuckSaga parked = StuckRules.classify(waiting, justNow, new Evidence(Optional.of(new Evidence.Parked("dl-1", "order-saga",
                "InventoryReserved", "malformed InventoryReserved", 1)), Optional.of(REQUEST), Optional.empty(), Optional.empty()), NOW, STALLED,
            USUAL).orElseThrow();
        assertThat(parked.reason()).isEqualTo(StuckReason.PARKED_IN_DEAD_LETTERS);
        assertThat(parked.explanation()).isEqualTo("its InventoryReserved is parked in dead letters by order-saga after 1 attempt(s): "
            + "malformed InventoryReserved");
        assertThat(parked.deadLetterId()).isEqualTo("dl-1");
        assertThat(parked.action()).isEqualTo(StuckAction.REDRIVE);

        SagaState flagged = saga(SagaStatus.COMPENSATING, true, new StepState(SagaStepName.INVENTORY, StepStatus.COMPENSATING, 1, 7,
            NOW.minusSeconds(30), null, "release refused", NOW.plusSeconds(5), null, true, Map.of(), null));
        StuckSaga failing = StuckRules.classify(flagged, justNow, Evidence.NONE, NOW, STALLED, USUAL).orElseThrow();
        assertThat(failing.reason()).isEqualTo(StuckReason.COMPENSATION_FAILING);
        assertThat(failing.explanation()).isEqualTo("the compensation of INVENTORY keeps failing (attempt 7): release keeps failing");
        assertThat(failing.action()).isEqualTo(StuckAction.RETRY);

        assertThat(StuckRules.classify(waiting, justNow, Evidence.NONE, NOW, STALLED, USUAL)).isEmpty();
    }

    @Test
    void aFinishedSagaIsNeverStuck() {
        SagaState done = saga(SagaStatus.COMPLETED, false, step(SagaStepName.INVENTORY, StepStatus.SUCCEEDED, 1, null, null, null));
        assertThat(StuckRules.classify(done, REQUESTED_25_S_AGO, Evidence.NONE, NOW, STALLED, USUAL)).isEmpty();
    }
}
