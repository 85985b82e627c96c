package io.sagaway.saga.domain;

import java.time.Instant;

/** One thing that happened to a saga; {@code step} is null for saga-wide entries. */
public record TimelineEntry(Instant at, SagaEventType type, SagaStepName step, String message) {
}
