package io.sagaway.lineage;

import io.sagaway.saga.domain.SagaEventType;
import io.sagaway.saga.domain.SagaStepName;

import java.time.Duration;
import java.time.Instant;

/**
 * One hop of an order's path, read from stored data. A hop's duration runs from the stored time
 * of what it follows ({@code since}, e.g. "published") to its own {@code at}; it is null when
 * that time is no longer stored (a published outbox row past its retention) or the hop follows
 * nothing.
 *
 * @param at          when the hop happened
 * @param kind        what kind of hop
 * @param durationMs  the time spent in this hop, from {@code since} to {@code at}
 * @param since       what the duration is measured from
 * @param messageId   the message or event the hop is about
 * @param messageType its type, e.g. {@code OrderPlaced}, {@code DebitPayment}
 * @param version     the order's stream version (events, the order document) or the saga's (saga updates, the saga document)
 * @param topic       the Kafka topic
 * @param partition   the Kafka partition
 * @param offset      the Kafka offset
 * @param consumer    the consumer group that processed it or set it aside
 * @param attempt     the consumer's attempt that processed it (or attempts before it was set aside)
 * @param sagaEvent   for a saga hop, the timeline entry's type
 * @param step        for a saga hop, its step
 * @param detail      what else is known: the saga entry's text, a dead letter's error, the mutation's request id
 */
public record LineageHop(Instant at, Kind kind, Long durationMs, String since, String messageId, String messageType, Long version,
                         String topic, Integer partition, Long offset, String consumer, Integer attempt, SagaEventType sagaEvent,
                         SagaStepName step, String detail) {

    public enum Kind {
        /** placeOrder was accepted: the order's first event committed. */
        ACCEPTED,
        /** An event of the order's stream, at its version. */
        EVENT_APPENDED,
        /** A message written to the outbox and not published yet. */
        PENDING_PUBLISH,
        /** A message the relay published to Kafka, from its outbox row. */
        PUBLISHED,
        /** A consumer group processed a message in its transaction. */
        CONSUMED,
        /** A consumer set the message aside as a dead letter. */
        DEAD_LETTERED,
        /** An operator put a dead letter back on its topic. */
        REDRIVEN,
        /** An entry of the saga's timeline: a step requested, done, failed, compensated... */
        SAGA,
        /** The order's or the saga's read-model document, as Elasticsearch holds it now. */
        INDEXED
    }

    static Builder hop(Instant at, Kind kind) {
        return new Builder(at, kind);
    }

    /** Builds a hop field by field: most hops fill a few of them. */
    static final class Builder {
        private final Instant at;
        private final Kind kind;
        private Long durationMs;
        private String since;
        private String messageId;
        private String messageType;
        private Long version;
        private String topic;
        private Integer partition;
        private Long offset;
        private String consumer;
        private Integer attempt;
        private SagaEventType sagaEvent;
        private SagaStepName step;
        private String detail;

        private Builder(Instant at, Kind kind) {
            this.at = at;
            this.kind = kind;
        }

        /** The duration from {@code from}, when known, labelled {@code label}. */
        Builder since(Instant from, String label) {
            if (from != null) {
                this.durationMs = Math.max(0, Duration.between(from, at).toMillis());
                this.since = label;
            }
            return this;
        }

        Builder message(String id, String type) {
            this.messageId = id;
            this.messageType = type;
            return this;
        }

        Builder version(Long version) {
            this.version = version;
            return this;
        }

        Builder record(String topic, Integer partition, Long offset) {
            this.topic = topic;
            this.partition = partition;
            this.offset = offset;
            return this;
        }

        Builder consumer(String consumer, Integer attempt) {
            this.consumer = consumer;
            this.attempt = attempt;
            return this;
        }

        Builder saga(SagaEventType event, SagaStepName step) {
            this.sagaEvent = event;
            this.step = step;
            return this;
        }

        Builder detail(String detail) {
            this.detail = detail;
            return this;
        }

        LineageHop build() {
            return new LineageHop(at, kind, durationMs, since, messageId, messageType, version, topic, partition, offset, consumer, attempt,
                sagaEvent, step, detail);
        }
    }
}
