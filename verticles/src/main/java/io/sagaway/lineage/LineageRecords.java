package io.sagaway.lineage;

import io.sagaway.saga.domain.TimelineEntry;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the platform stores of one order's path, as read for its lineage: the write side's rows and
 * the read model's two documents. Assembled into hops by {@link OrderLineage#assemble}.
 *
 * @param customerId    whose order it is
 * @param traceId       the trace its placeOrder began (null when tracing was off)
 * @param events        the order's event stream, oldest first
 * @param messages      the order's outbox rows still kept (published ones go after {@code SAGAWAY_LINEAGE_RETENTION_HOURS})
 * @param processed     the consumers' records of processing the order's messages
 * @param deadLetters   the order's messages set aside
 * @param timeline      the saga's timeline, oldest first (empty if the order has no saga)
 * @param orderDocument the order's read-model document
 * @param sagaDocument  the saga's read-model document
 */
public record LineageRecords(String orderId, String customerId, String traceId, List<Event> events, List<Message> messages, List<Processed> processed,
                             List<DeadLetter> deadLetters, List<TimelineEntry> timeline, Optional<Document> orderDocument,
                             Optional<Document> sagaDocument) {

    /** An event of the order's stream; its id is its message's id on Kafka. */
    public record Event(String eventId, long version, String type, String causationId, Instant occurredAt) {
    }

    /**
     * An outbox row. {@code writtenAt} is its transaction's start; {@code version} is the envelope's
     * (the order's stream version for an event, the saga's for a saga update).
     */
    public record Message(String messageId, String type, String topic, long version, String causationId, Instant writtenAt,
                          Instant publishedAt, Integer partition, Long offset) {
    }

    /** A consumer's record that it processed a message, in its transaction that started {@code at}. */
    public record Processed(String consumer, String messageId, Instant at, int attempt) {
    }

    public record DeadLetter(String id, String consumer, String messageId, String topic, int partition, long offset, String error,
                             int attempts, Instant firstFailedAt, Instant redrivenAt) {
    }

    /** A read-model document: the version it holds and when the projector's write of it was acknowledged. */
    public record Document(long version, Instant projectedAt) {
    }
}
