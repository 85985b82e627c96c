package io.sagaway.outbox;

import io.sagaway.messaging.Envelope;

/** A message to publish once the transaction that writes it commits. */
public record OutboxMessage(String topic, Envelope envelope) {
}
