package io.sagaway.saga.stuck;

import io.sagaway.saga.domain.SagaStatus;
import io.sagaway.saga.domain.SagaStepName;

import java.time.Instant;

/**
 * A saga that is not moving, with why, in words and in fields.
 *
 * @param waitingSince   when its current wait began: the step's first request, or the compensation's
 * @param attempt        the attempt in flight (or the last one that failed)
 * @param error          the last attempt's error
 * @param until          when the timer it waits on is due (a retry, a timeout)
 * @param usualLatencyMs how long this step usually takes, over recently completed sagas (null when none completed lately)
 * @param consumer       the consumer group that must act next
 * @param topic          where the message it waits on is
 * @param partition      on which partition
 * @param lag            how many records that group is behind on that partition
 * @param deadLetterId   the parked message, for a redrive
 */
public record StuckSaga(String sagaId, String orderId, SagaStatus status, SagaStepName step, StuckReason reason, String explanation,
                        Instant waitingSince, long waitingSeconds, Integer attempt, String error, Instant until, Long usualLatencyMs,
                        String consumer, String topic, Integer partition, Long lag, String deadLetterId, StuckAction action) {
}
