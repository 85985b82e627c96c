package io.sagaway.outbox;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.sagaway.messaging.DeadLetters;
import io.sagaway.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Moves committed outbox rows to Kafka, one batch per call, in one PostgreSQL transaction that
 * <ol>
 *   <li>takes a transaction-scoped advisory lock on each shard that no other relay holds (so
 *       several relays can run, and never two on one key),</li>
 *   <li>reads the oldest pending rows of each of those shards in insertion order (for one key,
 *       commit order),</li>
 *   <li>sends them with an idempotent, acks=all producer and waits for every acknowledgement,</li>
 *   <li>marks them published and commits.</li>
 * </ol>
 * A crash between the send and the commit leaves the rows pending: they are sent again later with
 * the same message id (at-least-once; consumers dedupe). Nothing is lost while Kafka is down:
 * the send fails, the transaction rolls back, and the rows wait.
 *
 * <p>A row Kafka can never take (too large for a record, say) would otherwise come first in every
 * batch and stop every saga everywhere: it is moved, in the same transaction, to the dead letters
 * of {@value #DEAD_LETTER_CONSUMER} with the reason, where operators see it and can redrive it
 * once the cause is fixed; the other rows are published.
 */
public final class OutboxRelay {

    /** A seam between the send and the commit, where the tests simulate a crash. */
    public interface AfterSend {
        Future<Void> afterSend(List<UUID> sentIds);

        AfterSend NOTHING = ids -> Future.succeededFuture();
    }

    /** The dead letters of rows the relay could not send, under this consumer name. */
    public static final String DEAD_LETTER_CONSUMER = "outbox-relay";

    private record PendingRow(UUID id, long position, String key, String topic, String payload, JsonObject headers) {
    }

    /** A row Kafka refused for good, and why. */
    private record Refused(PendingRow row, String reason) {
    }

    /** Where each record Kafka took landed, and the rows it refused for good. */
    private record Sent(List<UUID> ids, List<Integer> partitions, List<Long> offsets, List<Refused> refused) {
    }

    /** Rows read for one batch, and whether some shard may have more (it gave as many rows as it was asked for). */
    private record Pending(List<PendingRow> rows, boolean mayHaveMore) {
    }

    /** What one batch did: rows published, and whether rows may still be pending in the shards this relay held. */
    public record Batch(int published, boolean mayHaveMore) {
        static final Batch NOTHING = new Batch(0, false);
    }

    private final Vertx vertx;
    private final Pool pool;
    private final Producer<String, String> producer;
    private final int batchSize;
    private final int lockNamespace;
    private final long sendTimeoutMs;
    private final AfterSend afterSend;
    private final String lockFreeShards;

    /**
     * @param lockNamespace the first key of the advisory locks: relays sharing an outbox table must share it
     */
    public OutboxRelay(Vertx vertx, Pool pool, Producer<String, String> producer, int batchSize, int lockNamespace,
                       long sendTimeoutMs, AfterSend afterSend) {
        this.vertx = vertx;
        this.pool = pool;
        this.producer = producer;
        this.batchSize = batchSize;
        this.lockNamespace = lockNamespace;
        this.sendTimeoutMs = sendTimeoutMs;
        this.afterSend = afterSend;
        // Constants in the text, not parameters: PostgreSQL then plans the statement once per connection, not per batch.
        this.lockFreeShards = "SELECT s FROM generate_series(0, " + (Outbox.SHARDS - 1) + ") AS s WHERE pg_try_advisory_xact_lock("
            + lockNamespace + ", s)";
    }

    public int batchSize() {
        return batchSize;
    }

    /** Publishes one batch of the rows pending in the shards no other relay holds. */
    public Future<Batch> publishBatch() {
        return pool.withTransaction(tx -> lockFreeShards(tx)
            .compose(shards -> shards.isEmpty() ? Future.succeededFuture(new Pending(List.of(), false)) : pending(tx, shards))
            .compose(pending -> pending.rows().isEmpty() ? Future.succeededFuture(Batch.NOTHING) : publish(tx, pending)));
    }

    private Future<Batch> publish(SqlConnection tx, Pending pending) {
        List<PendingRow> rows = pending.rows();
        return send(rows).compose(sent -> afterSend.afterSend(sent.ids())
            // Where each record landed is kept with its row: an order's lineage shows it.
            .compose(v -> tx.preparedQuery("""
                    UPDATE outbox o SET published_at = now(), attempts = o.attempts + 1, kafka_partition = p.partition_no, kafka_offset = p.record_offset
                    FROM unnest($1::uuid[], $2::int[], $3::bigint[]) AS p(id, partition_no, record_offset) WHERE o.id = p.id""")
                .execute(Tuple.of(sent.ids().toArray(UUID[]::new), sent.partitions().toArray(Integer[]::new), sent.offsets().toArray(Long[]::new))))
            .compose(v -> setAside(tx, sent.refused()))
            .map(v -> new Batch(sent.ids().size(), pending.mayHaveMore() || !sent.refused().isEmpty())));
    }

    /** Moves rows Kafka refused for good from the outbox to the dead letters, in the batch's transaction. */
    private Future<Void> setAside(SqlConnection tx, List<Refused> refused) {
        Future<Void> chain = Future.succeededFuture();
        for (Refused r : refused) {
            chain = chain
                // Partition -1: it never reached Kafka; its place is its outbox position instead of an offset.
                .compose(v -> DeadLetters.put(tx, DEAD_LETTER_CONSUMER, r.row().id().toString(), r.row().topic(), -1, r.row().position(),
                    r.row().key(),
                    r.row().payload(), "outbox relay: Kafka refused the record for good: " + r.reason(), 1))
                .compose(id -> tx.preparedQuery("DELETE FROM outbox WHERE id = $1").execute(Tuple.of(r.row().id())))
                .mapEmpty();
        }
        return chain;
    }

    /** Locks every shard no other relay holds; cheap, unlike finding first which shards have pending rows. */
    private Future<List<Integer>> lockFreeShards(SqlConnection tx) {
        return tx.preparedQuery(lockFreeShards).execute()
            .map(rows -> {
                List<Integer> shards = new ArrayList<>();
                rows.forEach(row -> shards.add(row.getInteger(0)));
                return shards;
            });
    }

    /**
     * The oldest pending rows of each held shard, in insertion order within the shard. Order only
     * matters per key, and a key lives in one shard, so each shard is read on its own through the
     * (shard, position) index: no sort of the whole backlog, however large it grows.
     */
    private Future<Pending> pending(SqlConnection tx, List<Integer> shards) {
        int perShard = Math.max(1, (batchSize + shards.size() - 1) / shards.size());
        return tx.preparedQuery("""
                SELECT o.id, o.position, o.aggregateid, o.topic, o.payload, o.headers, held.shard
                FROM unnest($1::smallint[]) AS held(shard)
                CROSS JOIN LATERAL (
                    SELECT id, aggregateid, topic, payload, headers, position FROM outbox
                    WHERE published_at IS NULL AND shard = held.shard ORDER BY position LIMIT $2) AS o
                ORDER BY o.position""")
            .execute(Tuple.of(shards.stream().map(Integer::shortValue).toArray(Short[]::new), perShard))
            .map(rows -> {
                List<PendingRow> pending = new ArrayList<>(rows.size());
                Map<Short, Integer> perShardRead = new HashMap<>();
                for (Row row : rows) {
                    pending.add(new PendingRow(row.getUUID("id"), row.getLong("position"), row.getString("aggregateid"), row.getString("topic"),
                        row.getString("payload"), new JsonObject(row.getString("headers"))));
                    perShardRead.merge(row.getShort("shard"), 1, Integer::sum);
                }
                return new Pending(pending, perShardRead.values().stream().anyMatch(n -> n >= perShard));
            });
    }

    /**
     * Sends in order from one worker thread (the producer keeps per-partition order for calls from
     * one thread) and waits for every acknowledgement. Answers where each record landed and the rows Kafka refused for good;
     * any other failure (Kafka down, a timeout) fails the whole batch, to be sent again.
     */
    private Future<Sent> send(List<PendingRow> rows) {
        return vertx.executeBlocking(() -> {
            List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
            // With tracing on, each record is sent in a span continuing the trace of whoever wrote its row,
            // and carries that span on to its consumers.
            List<Span> spans = Tracing.enabled() ? new ArrayList<>(rows.size()) : null;
            for (PendingRow row : rows) {
                if (spans == null) {
                    acks.add(producer.send(toRecord(row, null)));
                } else {
                    Span span = Tracing.span("publish " + row.topic(), SpanKind.PRODUCER, row.headers().getString(Tracing.TRACEPARENT))
                        .setAttribute(Tracing.DESTINATION, row.topic()).setAttribute(Tracing.ORDER_ID, row.key())
                        .setAttribute(Tracing.MESSAGE_ID, row.id().toString()).setAttribute(Tracing.MESSAGE_TYPE, row.headers().getString("type"))
                        .startSpan();
                    spans.add(span);
                    acks.add(producer.send(toRecord(row, Tracing.traceparent(span))));
                }
            }
            Sent sent = new Sent(new ArrayList<>(rows.size()), new ArrayList<>(rows.size()), new ArrayList<>(rows.size()), new ArrayList<>());
            for (int i = 0; i < rows.size(); i++) {
                Span span = spans == null ? null : spans.get(i);
                try {
                    RecordMetadata landed = acks.get(i).get(sendTimeoutMs, TimeUnit.MILLISECONDS);
                    sent.ids().add(rows.get(i).id());
                    sent.partitions().add(landed.partition());
                    sent.offsets().add(landed.hasOffset() ? landed.offset() : null);
                    if (span != null) {
                        span.setAttribute("messaging.destination.partition.id", Integer.toString(landed.partition()))
                            .setAttribute("messaging.kafka.offset", landed.offset());
                        span.end();
                    }
                } catch (ExecutionException e) {
                    if (span != null) {
                        Tracing.end(span, e.getCause());
                    }
                    if (isRefusedForGood(e.getCause())) {
                        sent.refused().add(new Refused(rows.get(i), e.getCause().toString()));
                    } else {
                        spans.subList(i + 1, spans.size()).forEach(s -> Tracing.end(s, e.getCause()));
                        throw e.getCause() instanceof Exception cause ? cause : e;
                    }
                }
            }
            return sent;
        }, true);
    }

    /** Whether Kafka refused this record itself, for a reason no retry changes. */
    static boolean isRefusedForGood(Throwable failure) {
        return failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException
            || failure instanceof InvalidTopicException || failure instanceof InvalidRecordException
            || failure instanceof SerializationException;
    }

    /** The row as a Kafka record; its headers, with {@code traceparent} (the relay's span) in place of the writer's when given. */
    private static ProducerRecord<String, String> toRecord(PendingRow row, String traceparent) {
        RecordHeaders headers = new RecordHeaders();
        row.headers().forEach(entry -> {
            if (entry.getValue() != null && !(traceparent != null && Tracing.TRACEPARENT.equals(entry.getKey()))) {
                headers.add(entry.getKey(), entry.getValue().toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        if (traceparent != null) {
            headers.add(Tracing.TRACEPARENT, traceparent.getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(row.topic(), null, row.key(), row.payload(), headers);
    }
}
