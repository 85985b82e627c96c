package io.sagaway.saga.domain;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/**
 * One thing that happened to a saga; {@code step} is null for saga-wide entries. An entry that
 * repeats (a retry cycle) is stored once with how often it happened: {@code count} and the time of
 * the first, {@code firstAt}, beside the latest's {@code at} and {@code message}; both are null for
 * an entry that happened once.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TimelineEntry(Instant at, SagaEventType type, SagaStepName step, String message, Integer count, Instant firstAt) {

    public TimelineEntry(Instant at, SagaEventType type, SagaStepName step, String message) {
        this(at, type, step, message, null, null);
    }

    /** How many times it happened. */
    public int times() {
        return count == null ? 1 : count;
    }
}
