package io.sagaway.lineage;

import io.sagaway.lineage.LineageRecords.DeadLetter;
import io.sagaway.lineage.LineageRecords.Document;
import io.sagaway.lineage.LineageRecords.Event;
import io.sagaway.lineage.LineageRecords.Message;
import io.sagaway.lineage.LineageRecords.Processed;
import io.sagaway.messaging.TopicNames;
import io.sagaway.participant.inventory.InventoryParticipant;
import io.sagaway.participant.payment.PaymentParticipant;
import io.sagaway.participant.shipping.ShippingParticipant;
import io.sagaway.readmodel.ReadModelQueries;
import io.sagaway.saga.SagaOrchestrator;
import io.sagaway.saga.SagaStore;
import io.sagaway.saga.domain.TimelineEntry;
import io.sagaway.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads what the platform stores of one order's path (the event store, the outbox, the
 * consumers' processed-message records, dead letters, the saga row, and the two read-model
 * documents) and assembles its {@link OrderLineage}. Every read goes through an index on the
 * order id (or on the consumer and message id), so a lineage costs a handful of lookups however
 * many orders there are.
 */
public final class LineageReader {

    private final Pool pool;
    private final ReadModelQueries readModel;
    /** The consumer groups that record what they processed: the orchestrator and each participant. */
    private final String[] consumers;
    private final String traceUi;
    private final SagaStore sagas = new SagaStore();

    /**
     * @param traceUi a trace viewer's page for one trace, with {@code {traceId}} where its id goes; null when there is none
     */
    public LineageReader(Pool pool, ReadModelQueries readModel, TopicNames topics, String traceUi) {
        this.pool = pool;
        this.readModel = readModel;
        this.traceUi = traceUi;
        this.consumers = List.of(SagaOrchestrator.CONSUMER, PaymentParticipant.NAME, InventoryParticipant.NAME, ShippingParticipant.NAME)
            .stream().map(topics::consumer).toArray(String[]::new);
    }

    /** The order's lineage, or empty if the order has no events (it does not exist). */
    public Future<Optional<OrderLineage>> of(String orderId) {
        Future<List<Read>> events = events(orderId);
        Future<List<Message>> messages = messages(orderId);
        Future<List<DeadLetter>> deadLetters = deadLetters(orderId);
        Future<List<TimelineEntry>> timeline = sagas.timeline(pool, SagaOrchestrator.sagaIdOf(orderId));
        Future<Optional<Document>> orderDocument = readModel.order(orderId).map(doc -> doc.map(LineageReader::document));
        Future<Optional<Document>> sagaDocument = readModel.sagaForOrder(orderId).map(doc -> doc.map(LineageReader::document));
        return Future.all(events, messages, deadLetters).compose(read -> {
            if (events.result().isEmpty()) {
                return Future.succeededFuture(Optional.empty());
            }
            Set<UUID> ids = new LinkedHashSet<>();
            List<Event> stream = events.result().stream().map(Read::event).toList();
            stream.forEach(e -> ids.add(UUID.fromString(e.eventId())));
            messages.result().forEach(m -> ids.add(UUID.fromString(m.messageId())));
            deadLetters.result().stream().filter(d -> d.messageId() != null).forEach(d -> ids.add(UUID.fromString(d.messageId())));
            return Future.all(processed(ids), timeline, orderDocument, sagaDocument).map(all -> Optional.of(OrderLineage.assemble(
                new LineageRecords(orderId, events.result().get(0).customerId(), Tracing.traceId(events.result().get(0).traceparent()), stream,
                    messages.result(), all.resultAt(0), deadLetters.result(), timeline.result(),
                    orderDocument.result(), sagaDocument.result()))));
        });
    }

    /** An event as read, with the order's customer and the trace it began on its first one. */
    private record Read(Event event, String customerId, String traceparent) {
    }

    /** The trace viewer's page of a trace, or null when no viewer is configured or there is no trace. */
    public String traceUrl(String traceId) {
        return traceUi == null || traceId == null ? null : traceUi.replace("{traceId}", traceId);
    }

    private Future<List<Read>> events(String orderId) {
        return rows(pool, """
                SELECT event_id, version, event_type, metadata->>'causationId' AS causation_id, occurred_at,
                       CASE WHEN version = 1 THEN data->>'customerId' END AS customer_id, metadata->>'traceparent' AS traceparent
                FROM events WHERE aggregate_id = $1 ORDER BY version""", Tuple.of(orderId),
            row -> new Read(new Event(row.getUUID("event_id").toString(), row.getInteger("version"), row.getString("event_type"),
                row.getString("causation_id"), instant(row, "occurred_at")), row.getString("customer_id"), row.getString("traceparent")));
    }

    private Future<List<Message>> messages(String orderId) {
        return rows(pool, """
                SELECT id, type, topic, (payload::jsonb->>'version')::bigint AS version, payload::jsonb->>'causationId' AS causation_id,
                       created_at, published_at, kafka_partition, kafka_offset
                FROM outbox WHERE aggregateid = $1 ORDER BY position""", Tuple.of(orderId),
            row -> new Message(row.getUUID("id").toString(), row.getString("type"), row.getString("topic"),
                Optional.ofNullable(row.getLong("version")).orElse(0L), row.getString("causation_id"), instant(row, "created_at"),
                instant(row, "published_at"), row.getInteger("kafka_partition"), row.getLong("kafka_offset")));
    }

    private Future<List<Processed>> processed(Set<UUID> messageIds) {
        // Each (consumer, message) pair is a primary-key lookup: the table has no index on the message id alone.
        return rows(pool, """
                SELECT p.consumer, p.message_id, p.processed_at, p.attempt
                FROM unnest($1::text[]) AS c(consumer) CROSS JOIN unnest($2::uuid[]) AS m(id)
                JOIN processed_messages p ON p.consumer = c.consumer AND p.message_id = m.id
                ORDER BY p.processed_at""", Tuple.of(consumers, (Object) messageIds.toArray(UUID[]::new)),
            row -> new Processed(row.getString("consumer"), row.getUUID("message_id").toString(), instant(row, "processed_at"),
                row.getInteger("attempt")));
    }

    private Future<List<DeadLetter>> deadLetters(String orderId) {
        return rows(pool, """
                SELECT id, consumer, message_id, topic, partition_no, record_offset, error, attempts, first_failed_at, redriven_at
                FROM dead_letters WHERE record_key = $1 ORDER BY first_failed_at""", Tuple.of(orderId),
            row -> new DeadLetter(row.getUUID("id").toString(), row.getString("consumer"),
                Optional.ofNullable(row.getUUID("message_id")).map(UUID::toString).orElse(null), row.getString("topic"),
                row.getInteger("partition_no"), row.getLong("record_offset"), row.getString("error"), row.getInteger("attempts"),
                instant(row, "first_failed_at"), instant(row, "redriven_at")));
    }

    private static Document document(JsonObject doc) {
        String projectedAt = doc.getString("projectedAt");
        return new Document(doc.getLong("version", 0L), projectedAt == null ? null : Instant.parse(projectedAt));
    }

    private static <T> Future<List<T>> rows(SqlClient client, String sql, Tuple args, Function<Row, T> mapper) {
        return client.preparedQuery(sql).execute(args).map(rows -> {
            List<T> list = new ArrayList<>(rows.size());
            rows.forEach(row -> list.add(mapper.apply(row)));
            return list;
        });
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime at = row.getOffsetDateTime(column);
        return at == null ? null : at.toInstant();
    }
}
