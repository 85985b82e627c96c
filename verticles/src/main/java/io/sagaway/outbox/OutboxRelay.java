package io.sagaway.outbox;

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
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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
 */
public final class OutboxRelay {

    /** A seam between the send and the commit, where the tests simulate a crash. */
    public interface AfterSend {
        Future<Void> afterSend(List<UUID> sentIds);

        AfterSend NOTHING = ids -> Future.succeededFuture();
    }

    private record PendingRow(UUID id, String key, String topic, String payload, JsonObject headers) {
    }

    private final Vertx vertx;
    private final Pool pool;
    private final Producer<String, String> producer;
    private final int batchSize;
    private final int lockNamespace;
    private final long sendTimeoutMs;
    private final AfterSend afterSend;

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
    }

    public int batchSize() {
        return batchSize;
    }

    /** Publishes one batch; answers how many rows it published (0: nothing pending that this relay may take). */
    public Future<Integer> publishBatch() {
        return pool.withTransaction(tx -> lockFreeShards(tx)
            .compose(shards -> shards.isEmpty() ? Future.succeededFuture(List.<PendingRow>of()) : pending(tx, shards))
            .compose(rows -> rows.isEmpty() ? Future.succeededFuture(0) : publish(tx, rows)));
    }

    private Future<Integer> publish(SqlConnection tx, List<PendingRow> rows) {
        List<UUID> ids = rows.stream().map(PendingRow::id).toList();
        return send(rows)
            .compose(v -> afterSend.afterSend(ids))
            .compose(v -> tx.preparedQuery("UPDATE outbox SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1)")
                .execute(Tuple.of(ids.toArray(UUID[]::new))))
            .map(updated -> rows.size());
    }

    /** Locks every shard no other relay holds; cheap, unlike finding first which shards have pending rows. */
    private Future<List<Integer>> lockFreeShards(SqlConnection tx) {
        return tx.preparedQuery("SELECT s FROM generate_series(0, $2 - 1) AS s WHERE pg_try_advisory_xact_lock($1, s)")
            .execute(Tuple.of(lockNamespace, Outbox.SHARDS))
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
    private Future<List<PendingRow>> pending(SqlConnection tx, List<Integer> shards) {
        int perShard = Math.max(1, (batchSize + shards.size() - 1) / shards.size());
        return tx.preparedQuery("""
                SELECT o.id, o.aggregateid, o.topic, o.payload::text AS payload, o.headers
                FROM unnest($1::smallint[]) AS held(shard)
                CROSS JOIN LATERAL (
                    SELECT id, aggregateid, topic, payload, headers, position FROM outbox
                    WHERE published_at IS NULL AND shard = held.shard ORDER BY position LIMIT $2) AS o
                ORDER BY o.position""")
            .execute(Tuple.of(shards.stream().map(Integer::shortValue).toArray(Short[]::new), perShard))
            .map(rows -> {
                List<PendingRow> pending = new ArrayList<>(rows.size());
                for (Row row : rows) {
                    pending.add(new PendingRow(row.getUUID("id"), row.getString("aggregateid"), row.getString("topic"),
                        row.getString("payload"), row.getJsonObject("headers")));
                }
                return pending;
            });
    }

    /**
     * Sends in order from one worker thread (the producer keeps per-partition order for calls from
     * one thread) and waits for every acknowledgement; any failure fails the whole batch.
     */
    private Future<Void> send(List<PendingRow> rows) {
        return vertx.executeBlocking(() -> {
            List<java.util.concurrent.Future<RecordMetadata>> acks = new ArrayList<>(rows.size());
            for (PendingRow row : rows) {
                acks.add(producer.send(toRecord(row)));
            }
            for (java.util.concurrent.Future<RecordMetadata> ack : acks) {
                try {
                    ack.get(sendTimeoutMs, TimeUnit.MILLISECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
            return null;
        }, true);
    }

    private static ProducerRecord<String, String> toRecord(PendingRow row) {
        RecordHeaders headers = new RecordHeaders();
        row.headers().forEach(entry -> {
            if (entry.getValue() != null) {
                headers.add(entry.getKey(), entry.getValue().toString().getBytes(StandardCharsets.UTF_8));
            }
        });
        return new ProducerRecord<>(row.topic(), null, row.key(), row.payload(), headers);
    }
}
