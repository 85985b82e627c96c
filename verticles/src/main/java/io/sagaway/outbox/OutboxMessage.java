package io.sagaway.outbox;

import io.sagaway.messaging.Envelope;

/**
 * A message to publish once the transaction that writes it commits.
 *
 * @param traceparent the W3C traceparent of the span that wrote it (null when tracing is off): the
 *                    relay sends it as the Kafka record's {@code traceparent} header
 */
public record OutboxMessage(String topic, Envelope envelope, String traceparent) {

    public OutboxMessage(String topic, Envelope envelope) {
        this(topic, envelope, null);
    }
}
