package io.sagaway.outbox;

import io.sagaway.infra.BoundedDeletes;
import io.sagaway.messaging.Envelope;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Writes outbox rows in the caller's transaction: the transactional half of "no dual write". */
public final class Outbox {

    /**
     * How many shards the outbox is split into. One relay instance at a time owns a shard, and all
     * rows of one key fall in one shard, so several relays never reorder a key's messages.
     */
    public static final int SHARDS = 16;

    private Outbox() {
    }

    public static int shardOf(String key) {
        return Math.floorMod(key.hashCode(), SHARDS);
    }

    public static Future<Void> insert(SqlConnection tx, List<OutboxMessage> messages) {
        return insert(tx, messages, "");
    }

    /**
     * Inserts messages whose id may already be in the outbox (a reply re-sent for a redelivered
     * request): the existing row wins, so the message is published once more at most.
     */
    public static Future<Void> insertIfAbsent(SqlConnection tx, List<OutboxMessage> messages) {
        return insert(tx, messages, " ON CONFLICT (id) DO NOTHING");
    }

    private static Future<Void> insert(SqlConnection tx, List<OutboxMessage> messages, String onConflict) {
        if (messages.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> rows = messages.stream().map(m -> {
            Envelope e = m.envelope();
            JsonObject headers = new JsonObject()
                .put("messageId", e.messageId())
                .put("type", e.type())
                .put("correlationId", e.correlationId())
                .put("causationId", e.causationId());
            return Tuple.of(UUID.fromString(e.messageId()), e.aggregateType(), e.aggregateId(), e.type(), e.toJson(), headers,
                m.topic(), (short) shardOf(e.aggregateId()));
        }).toList();
        return tx.preparedQuery("""
                INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, headers, topic, shard)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""" + onConflict)
            .executeBatch(rows)
            .mapEmpty();
    }

    /** Published rows, deleted by age in bounded batches. */
    public static final BoundedDeletes PUBLISHED = new BoundedDeletes("outbox", "id", "published_at");

    /** Deletes up to {@code batch} rows published before {@code before} and answers how many went. */
    public static Future<Integer> deletePublished(SqlClient client, Instant before, int batch) {
        return PUBLISHED.batch(client, before, batch);
    }
}
