package io.sagaway.saga.domain;

import io.sagaway.order.domain.OrderCommand;
import io.sagaway.saga.domain.SagaEffect.CommandOrder;
import io.sagaway.saga.domain.SagaEffect.SendStepRequest;
import io.sagaway.saga.domain.SagaInput.CancelRequested;
import io.sagaway.saga.domain.SagaInput.CompensationFailed;
import io.sagaway.saga.domain.SagaInput.OperatorRetry;
import io.sagaway.saga.domain.SagaInput.StepCompensated;
import io.sagaway.saga.domain.SagaInput.StepFailed;
import io.sagaway.saga.domain.SagaInput.StepSucceeded;
import io.sagaway.saga.domain.SagaInput.Tick;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The order saga's state machine, in plain Java: the steps of {@link SagaDefinition} in turn
 * (PAYMENT → INVENTORY → SHIPPING), each with its action and its compensation. A failed step (or
 * a cancellation) compensates the steps that ran, one at a time in reverse order, then fails (or
 * cancels) the order. Actions time out and are
 * retried with exponential backoff while their {@link SagaPolicy#retryBudget()} lasts, then count
 * as failed; compensations are retried for ever and flag the saga for an operator after
 * {@link SagaPolicy#flagAfter()} attempts. A timer that fires late (it passed while no
 * orchestrator ran) sends its attempt again without counting it. Each {@link #handle} returns
 * the effects to commit with the new state; replies that no longer matter (late or duplicated)
 * change nothing.
 */
public final class OrderSaga {

    /** The steps in the order they run: the rows of {@link SagaDefinition}, which says what each step is. */
    public static final List<SagaStepName> STEPS = SagaDefinition.STEPS.stream().map(SagaDefinition.StepDefinition::name).toList();

    private SagaState state;
    private final SagaPolicy policy;
    private final List<SagaEffect> effects = new ArrayList<>();
    private final List<TimelineEntry> timeline = new ArrayList<>();
    private Instant now;

    private OrderSaga(SagaState state, SagaPolicy policy) {
        this.state = state;
        this.policy = policy;
    }

    /** Restores a stored saga. */
    public static OrderSaga of(SagaState state, SagaPolicy policy) {
        return new OrderSaga(state, policy);
    }

    /** Starts the saga of a placed order: its first step is requested at once. */
    public static OrderSaga start(String sagaId, String orderId, SagaState.OrderData order, SagaPolicy policy, Instant now) {
        OrderSaga saga = new OrderSaga(SagaState.started(sagaId, orderId, order, STEPS, now), policy);
        saga.now = now;
        saga.record(SagaEventType.STARTED, null, "order " + orderId + " placed");
        saga.begin(STEPS.get(0));
        saga.touch();
        return saga;
    }

    public SagaState state() {
        return state;
    }

    /** Effects of the last call, to commit with the state. */
    public List<SagaEffect> effects() {
        return List.copyOf(effects);
    }

    /** Timeline entries of the last call, to append to the stored timeline. */
    public List<TimelineEntry> newTimeline() {
        return List.copyOf(timeline);
    }

    /** Whether the last call changed anything (and so must be stored). */
    public boolean changed() {
        return !timeline.isEmpty() || !effects.isEmpty();
    }

    /** Applies an input at {@code at}; see {@link #effects()} and {@link #newTimeline()} for what it did. */
    public OrderSaga handle(SagaInput input, Instant at) {
        effects.clear();
        timeline.clear();
        now = at;
        int before = state.version();
        switch (input) {
            case StepSucceeded s -> stepSucceeded(s.step(), s.result());
            case StepFailed f -> stepFailed(f.step(), f.error());
            case StepCompensated c -> stepCompensated(c.step());
            case CompensationFailed c -> compensationFailed(c.step(), c.error());
            case Tick ignored -> tick();
            case CancelRequested c -> cancel(c.reason());
            case OperatorRetry ignored -> operatorRetry();
        }
        if (changed() && state.version() == before) {
            touch();
        }
        return this;
    }

    // --- forward ---

    private void begin(SagaStepName name) {
        put(step(name).with(StepStatus.RUNNING).attempt(1, 0).started(now).budgetFrom(now).timing(now.plus(policy.stepTimeout()), null));
        state = state.withStatus(SagaStatus.RUNNING).withCurrentStep(name);
        request(name, false, 1);
    }

    private void stepSucceeded(SagaStepName name, Map<String, String> result) {
        StepState step = step(name);
        if (step.status() != StepStatus.RUNNING || state.status() != SagaStatus.RUNNING) {
            return; // a duplicate, or the action completed after compensation of it was already requested
        }
        put(step.with(StepStatus.SUCCEEDED).finished(now).timing(null, null).withResult(result).failing(null));
        record(SagaEventType.STEP_SUCCEEDED, name, describe(name, result));
        effects.add(new CommandOrder(SagaDefinition.of(name).orderCommandOnSuccess(step(name).result(), state.order())));
        int next = STEPS.indexOf(name) + 1;
        if (next < STEPS.size()) {
            begin(STEPS.get(next));
        } else {
            state = state.withStatus(SagaStatus.COMPLETED).withCurrentStep(null).withFailure(null, null).withCancelRequested(false)
                .withFinishedAt(now);
            record(SagaEventType.COMPLETED, null, "order shipped");
        }
    }

    private void stepFailed(SagaStepName name, String error) {
        StepState step = step(name);
        if (step.status() != StepStatus.RUNNING || state.status() != SagaStatus.RUNNING) {
            return;
        }
        put(step.with(StepStatus.FAILED).finished(now).timing(null, null).failing(error));
        record(SagaEventType.STEP_FAILED, name, error);
        fail(name, error);
    }

    private void tick() {
        for (StepState step : state.steps()) {
            boolean timedOut = step.deadline() != null && !step.deadline().isAfter(now);
            boolean retryDue = step.retryAt() != null && !step.retryAt().isAfter(now);
            if (step.status() == StepStatus.RUNNING && timedOut) {
                actionTimedOut(step);
            } else if (step.status() == StepStatus.RUNNING && retryDue) {
                retryAction(step);
            } else if (step.status() == StepStatus.COMPENSATING && timedOut) {
                compensationTimedOut(step);
            } else if (step.status() == StepStatus.COMPENSATING && retryDue) {
                retryCompensation(step);
            }
        }
    }

    private void actionTimedOut(StepState step) {
        if (SagaPolicy.firedLate(step.deadline(), now)) {
            askAgainUncounted(step, false);
            return;
        }
        record(SagaEventType.STEP_TIMED_OUT, step.name(), "attempt " + step.attempts() + " got no answer within "
            + policy.stepTimeout().toMillis() + " ms");
        Instant retryAt = now.plus(policy.backoffBefore(step.attempts() + 1));
        if (Duration.between(step.budgetStart(), retryAt).compareTo(policy.retryBudget()) < 0) {
            put(step.timing(null, retryAt));
            return;
        }
        String error = "TIMEOUT: " + step.name() + " did not answer after " + step.attempts() + " attempts within its retry budget of "
            + policy.retryBudget().toSeconds() + " s";
        // The action may still have run: compensate it too (harmless if it did not).
        put(step.with(StepStatus.FAILED).finished(now).timing(null, null).failing(error).compensate(true));
        record(SagaEventType.STEP_FAILED, step.name(), error);
        fail(step.name(), error);
    }

    private void retryAction(StepState step) {
        if (step.retryAt() != null && SagaPolicy.firedLate(step.retryAt(), now)) {
            step = step.budgetFrom(step.budgetStart().plus(Duration.between(step.retryAt(), now)));
        }
        int attempt = step.attempts() + 1;
        put(step.attempt(attempt, step.compensationAttempts()).timing(now.plus(policy.stepTimeout()), null));
        record(SagaEventType.STEP_RETRIED, step.name(), "attempt " + attempt);
        request(step.name(), false, attempt);
    }

    // --- failing and compensating ---

    private void fail(SagaStepName failedStep, String reason) {
        state = state.withStatus(SagaStatus.COMPENSATING).withCurrentStep(failedStep).withFailure(failedStep, reason).withFinishedAt(null);
        effects.add(new CommandOrder(new OrderCommand.StartCompensation(failedStep.name(), reason)));
        startCompensation();
    }

    private void cancel(String reason) {
        if (state.status() != SagaStatus.RUNNING) {
            return; // already compensating (a failure or an earlier cancel) or finished
        }
        String why = "CANCELLED: " + (reason == null || reason.isBlank() ? "cancelled by request" : reason);
        state = state.withStatus(SagaStatus.COMPENSATING).withFailure(null, why).withCancelRequested(true).withFinishedAt(null);
        record(SagaEventType.COMPENSATION_REQUESTED, null, why);
        startCompensation();
    }

    /** Marks what must be undone: every step that succeeded, and one whose action is in flight. */
    private void startCompensation() {
        for (StepState step : state.steps()) {
            if (step.status() == StepStatus.SUCCEEDED || step.status() == StepStatus.RUNNING) {
                put(step.compensate(true).timing(null, null));
            }
        }
        compensateNext();
    }

    private void compensateNext() {
        for (int i = STEPS.size() - 1; i >= 0; i--) {
            StepState step = step(STEPS.get(i));
            if (step.mustCompensate() && step.status() == StepStatus.COMPENSATING) {
                return; // one at a time: wait for this one
            }
            if (step.mustCompensate() && step.status() != StepStatus.COMPENSATED) {
                put(step.with(StepStatus.COMPENSATING).attempt(step.attempts(), 1)
                    .timing(now.plus(policy.compensationTimeout()), null));
                state = state.withCurrentStep(step.name());
                record(SagaEventType.COMPENSATION_REQUESTED, step.name(), "undo " + step.name());
                request(step.name(), true, 1);
                return;
            }
        }
        finishFailed();
    }

    private void stepCompensated(SagaStepName name) {
        StepState step = step(name);
        if (step.status() != StepStatus.COMPENSATING) {
            return;
        }
        put(step.with(StepStatus.COMPENSATED).finished(now).timing(null, null));
        record(SagaEventType.STEP_COMPENSATED, name, name + " undone");
        if (state.flagged()) {
            state = state.withFlag(null);
        }
        compensateNext();
    }

    private void compensationFailed(SagaStepName name, String error) {
        StepState step = step(name);
        if (step.status() != StepStatus.COMPENSATING || step.deadline() == null) {
            return;
        }
        record(SagaEventType.STEP_FAILED, name, "compensation attempt " + step.compensationAttempts() + " failed: " + error);
        scheduleCompensationRetry(step.failing(error));
    }

    private void compensationTimedOut(StepState step) {
        if (SagaPolicy.firedLate(step.deadline(), now)) {
            askAgainUncounted(step, true);
            return;
        }
        record(SagaEventType.STEP_TIMED_OUT, step.name(), "compensation attempt " + step.compensationAttempts()
            + " got no answer within " + policy.compensationTimeout().toMillis() + " ms");
        scheduleCompensationRetry(step);
    }

    /** Compensations are never given up: they back off, and after a while the saga is flagged for an operator. */
    private void scheduleCompensationRetry(StepState step) {
        put(step.timing(null, now.plus(policy.backoffBefore(step.compensationAttempts() + 1))));
        if (step.compensationAttempts() >= policy.flagAfter() && !state.flagged()) {
            String reason = "compensation of " + step.name() + " failed " + step.compensationAttempts()
                + " times" + (step.error() == null ? "" : " (last: " + step.error() + ")") + "; still retrying";
            state = state.withFlag(reason);
        }
    }

    private void retryCompensation(StepState step) {
        int attempt = step.compensationAttempts() + 1;
        put(step.attempt(step.attempts(), attempt).timing(now.plus(policy.compensationTimeout()), null));
        record(SagaEventType.STEP_RETRIED, step.name(), "compensation attempt " + attempt);
        request(step.name(), true, attempt);
    }

    private void finishFailed() {
        state = state.withStatus(SagaStatus.FAILED).withCurrentStep(null).withFinishedAt(now);
        record(SagaEventType.FAILED, null, state.failureReason());
        effects.add(new CommandOrder(state.cancelRequested()
            ? new OrderCommand.ConfirmCancellation()
            : new OrderCommand.FailOrder(state.failureReason())));
    }

    /** An operator retries now whatever waits: a pending retry, or a compensation in flight. */
    private void operatorRetry() {
        if (state.status().isFinished()) {
            throw new IllegalStateException("saga " + state.sagaId() + " is " + state.status() + ": nothing to retry");
        }
        for (StepState step : state.steps()) {
            if (step.status() == StepStatus.RUNNING && step.retryAt() != null) {
                record(SagaEventType.STEP_RETRIED, step.name(), "retried by an operator");
                retryAction(step);
                return;
            }
            if (step.status() == StepStatus.COMPENSATING) {
                record(SagaEventType.STEP_RETRIED, step.name(), "compensation retried by an operator");
                retryCompensation(step);
                return;
            }
            if (step.status() == StepStatus.RUNNING) {
                record(SagaEventType.STEP_RETRIED, step.name(), "retried by an operator");
                put(step.attempt(step.attempts() + 1, 0).timing(now.plus(policy.stepTimeout()), null));
                request(step.name(), false, step.attempts() + 1);
                return;
            }
        }
    }

    // --- helpers ---

    /**
     * A deadline that passed while no orchestrator ran (a crash, a restart) says nothing about the
     * participant: the attempt in flight is sent again, uncounted, and the time away is not charged
     * to the budget.
     */
    private void askAgainUncounted(StepState step, boolean compensation) {
        Duration away = Duration.between(step.deadline(), now);
        int attempt = compensation ? step.compensationAttempts() : step.attempts();
        record(SagaEventType.STEP_TIMED_OUT, step.name(), (compensation ? "compensation " : "") + "attempt " + attempt
            + ": its deadline passed while no orchestrator ran (" + away.toMillis() + " ms ago); sent again, not counted");
        put(step.budgetFrom(step.budgetStart().plus(away))
            .timing(now.plus(compensation ? policy.compensationTimeout() : policy.stepTimeout()), null));
        request(step.name(), compensation, attempt);
    }

    private void request(SagaStepName name, boolean compensation, int attempt) {
        if (!compensation) {
            record(SagaEventType.STEP_REQUESTED, name, "attempt " + attempt);
        }
        effects.add(new SendStepRequest(name, compensation, UUID.randomUUID(), attempt));
    }

    private StepState step(SagaStepName name) {
        return state.step(name);
    }

    private void put(StepState step) {
        state = state.withStep(step);
    }

    private void touch() {
        state = state.withNextVersion(now);
    }

    private void record(SagaEventType type, SagaStepName step, String message) {
        timeline.add(new TimelineEntry(now, type, step, message));
    }

    private static String describe(SagaStepName name, Map<String, String> result) {
        return result.isEmpty() ? name + " done" : name + " done: " + result;
    }
}
