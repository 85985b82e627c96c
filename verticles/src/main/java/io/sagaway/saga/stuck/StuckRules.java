package io.sagaway.saga.stuck;

import io.sagaway.saga.domain.SagaEventType;
import io.sagaway.saga.domain.SagaState;
import io.sagaway.saga.domain.SagaStatus;
import io.sagaway.saga.domain.SagaStepName;
import io.sagaway.saga.domain.StepState;
import io.sagaway.saga.domain.StepStatus;
import io.sagaway.saga.domain.TimelineEntry;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Names why a saga in flight is not moving, from the saga, its timeline and the {@link Evidence}
 * of where its step's messages are. The most specific reason wins: a parked message first (only
 * an operator moves it), then a failing compensation, a scheduled retry, a consumer that is not
 * reading the message waited on, a timer overdue, and otherwise a participant that has not
 * answered.
 */
public final class StuckRules {

    /** Timeline entries that repeat while a step makes no progress: a wait does not start at them. */
    private static final Set<SagaEventType> NO_PROGRESS = Set.of(SagaEventType.STEP_TIMED_OUT, SagaEventType.STEP_RETRIED);

    private StuckRules() {
    }

    /**
     * Why {@code saga} is stuck, or empty when it is not: it is finished, or its wait is shorter than
     * {@code stalledFor} and nothing of it is parked or flagged.
     *
     * @param usualLatencyMs how long each step usually takes (its median over recently completed sagas)
     */
    public static Optional<StuckSaga> classify(SagaState saga, List<TimelineEntry> timeline, Evidence evidence, Instant now,
                                               Duration stalledFor, Map<String, Long> usualLatencyMs) {
        if (saga.status() != SagaStatus.RUNNING && saga.status() != SagaStatus.COMPENSATING) {
            return Optional.empty();
        }
        Optional<StepState> current = currentStep(saga);
        Instant since = waitingSince(saga, timeline);
        long waited = Math.max(0, Duration.between(since, now).toSeconds());
        boolean compensating = current.map(s -> s.status() == StepStatus.COMPENSATING).orElse(saga.status() == SagaStatus.COMPENSATING);
        String step = current.map(s -> s.name().name()).orElse(saga.currentStep() == null ? "the saga" : saga.currentStep().name());
        String what = compensating ? "the compensation of " + step : step;
        Long usual = current.map(s -> usualLatencyMs.get(s.name().name())).orElse(null);
        Integer attempt = current.map(s -> compensating ? s.compensationAttempts() : s.attempts()).orElse(null);
        String error = current.map(StepState::error).orElse(null);
        Found found = new Found(saga, current.map(StepState::name).orElse(saga.currentStep()), since, waited, attempt, error, usual);

        if (evidence.parked().isPresent()) {
            Evidence.Parked p = evidence.parked().get();
            return Optional.of(found.stuck(StuckReason.PARKED_IN_DEAD_LETTERS,
                    "its " + p.messageType() + " is parked in dead letters by " + p.consumer() + " after " + p.attempts() + " attempt(s): "
                        + p.error(), StuckAction.REDRIVE)
                .consumer(p.consumer()).deadLetter(p.id()).build());
        }
        if (saga.flagged()) {
            return Optional.of(found.stuck(StuckReason.COMPENSATION_FAILING,
                what + " keeps failing (attempt " + attempt + "): " + (saga.flagReason() == null ? error : saga.flagReason()),
                StuckAction.RETRY).build());
        }
        if (Duration.between(since, now).compareTo(stalledFor) < 0) {
            return Optional.empty();
        }
        Optional<Instant> retryAt = current.map(StepState::retryAt);
        if (retryAt.isPresent()) {
            if (error != null) {
                return Optional.of(found.stuck(StuckReason.RETRYING,
                    "retrying " + what + ": attempt " + attempt + " failed (" + error + "); attempt " + (attempt + 1) + " at " + retryAt.get(),
                    StuckAction.RETRY).until(retryAt.get()).build());
            }
            return Optional.of(found.stuck(StuckReason.WAITING_ON_TIMER, "waiting on a timer until " + retryAt.get() + " to retry " + what,
                StuckAction.RETRY).until(retryAt.get()).build());
        }
        Optional<Evidence.Sent> unread = waitedOn(evidence.request(), evidence.reply());
        if (unread.isPresent() && evidence.lag().isPresent()) {
            Evidence.Sent m = unread.get();
            Evidence.PartitionLag lag = evidence.lag().get();
            String where = m.topic() + "[" + m.partition() + "] at offset " + m.offset();
            if (lag.members() == 0) {
                return Optional.of(found.stuck(StuckReason.WAITING_ON_PARTICIPANT,
                        "waiting on " + what + " for " + waited + " s" + usually(usual) + ": no " + lag.group() + " consumer is running; its "
                            + m.type() + " waits on " + where, compensating ? StuckAction.RETRY : StuckAction.CANCEL)
                    .at(lag).build());
            }
            if (lag.behind() > 0) {
                return Optional.of(found.stuck(StuckReason.CONSUMER_LAGGING,
                        lag.group() + " is " + lag.behind() + " record(s) behind on " + m.topic() + "[" + m.partition() + "]; its " + m.type()
                            + " waits at offset " + m.offset(), StuckAction.WAIT)
                    .at(lag).build());
            }
        }
        Optional<Instant> deadline = current.map(StepState::deadline);
        if (deadline.isPresent() && deadline.get().isBefore(now.minusSeconds(5))) {
            return Optional.of(found.stuck(StuckReason.WAITING_ON_TIMER,
                "the timeout of " + what + " was due at " + deadline.get() + ", " + Duration.between(deadline.get(), now).toSeconds()
                    + " s ago, and has not fired: is an orchestrator running?", StuckAction.RETRY).until(deadline.get()).build());
        }
        String where = evidence.request().map(r -> r.published() ? "" : "; its " + r.type() + " is not published yet (still in the outbox)")
            .orElse("");
        return Optional.of(found.stuck(StuckReason.WAITING_ON_PARTICIPANT,
                "waiting on " + what + " for " + waited + " s" + usually(usual) + (attempt != null && attempt > 1 ? ", attempt " + attempt : "")
                    + where, compensating ? StuckAction.RETRY : StuckAction.CANCEL)
            .until(deadline.orElse(null)).build());
    }

    /** The message the saga waits on that its consumer has not processed: the reply if it came last, else the request. */
    static Optional<Evidence.Sent> waitedOn(Optional<Evidence.Sent> request, Optional<Evidence.Sent> reply) {
        Optional<Evidence.Sent> newer = reply.filter(r -> request.map(q -> r.position() > q.position()).orElse(true));
        Optional<Evidence.Sent> next = newer.isPresent() ? newer : request;
        return next.filter(m -> m.published() && !m.consumed());
    }

    /** The step the saga is at: the one running or compensating. */
    static Optional<StepState> currentStep(SagaState saga) {
        return saga.steps().stream().filter(s -> s.status() == StepStatus.RUNNING || s.status() == StepStatus.COMPENSATING).findFirst();
    }

    private static String usually(Long usualMs) {
        return usualMs == null ? "" : " (usually " + usualMs + " ms)";
    }

    /**
     * When the saga's current wait began: its last entry that was progress (a step requested, done,
     * failed, a compensation requested), at its first time if it repeated; the saga's last change
     * if the timeline has none.
     */
    public static Instant waitingSince(SagaState saga, List<TimelineEntry> timeline) {
        for (int i = timeline.size() - 1; i >= 0; i--) {
            TimelineEntry e = timeline.get(i);
            if (!NO_PROGRESS.contains(e.type())) {
                return e.firstAt() != null ? e.firstAt() : e.at();
            }
        }
        return saga.updatedAt();
    }

    /** The facts every reason shares, and a builder of the stuck saga. */
    private record Found(SagaState saga, SagaStepName step, Instant since, long waited, Integer attempt,
                         String error, Long usual) {

        Builder stuck(StuckReason reason, String explanation, StuckAction action) {
            return new Builder(this, reason, explanation, action);
        }
    }

    private static final class Builder {
        private final Found found;
        private final StuckReason reason;
        private final String explanation;
        private final StuckAction action;
        private Instant until;
        private String consumer;
        private String topic;
        private Integer partition;
        private Long lag;
        private String deadLetterId;

        Builder(Found found, StuckReason reason, String explanation, StuckAction action) {
            this.found = found;
            this.reason = reason;
            this.explanation = explanation;
            this.action = action;
        }

        Builder until(Instant at) {
            this.until = at;
            return this;
        }

        Builder consumer(String group) {
            this.consumer = group;
            return this;
        }

        Builder deadLetter(String id) {
            this.deadLetterId = id;
            return this;
        }

        Builder at(Evidence.PartitionLag where) {
            this.consumer = where.group();
            this.topic = where.topic();
            this.partition = where.partition();
            this.lag = where.behind();
            return this;
        }

        StuckSaga build() {
            SagaState s = found.saga();
            return new StuckSaga(s.sagaId(), s.orderId(), s.status(), found.step(), reason, explanation, found.since(), found.waited(),
                found.attempt(), found.error(), until, found.usual(), consumer, topic, partition, lag, deadLetterId, action);
        }
    }
}
