package io.sagaway.outbox;

import io.sagaway.infra.BoundedDeletes;
import io.sagaway.messaging.Envelope;
import io.sagaway.tracing.Tracing;
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

    /**
     * One statement for all of {@code messages}, whatever their number: each column goes as one
     * array, and the rows are inserted in the list's order, so their positions (the relay's
     * order, per key) follow it.
     */
    private static Future<Void> insert(SqlConnection tx, List<OutboxMessage> messages, String onConflict) {
        if (messages.isEmpty()) {
            return Future.succeededFuture();
        }
        int n = messages.size();
        UUID[] ids = new UUID[n];
        String[] aggregateTypes = new String[n];
        String[] keys = new String[n];
        String[] types = new String[n];
        String[] payloads = new String[n];
        String[] headers = new String[n];
        String[] topics = new String[n];
        Short[] shards = new Short[n];
        for (int i = 0; i < n; i++) {
            OutboxMessage m = messages.get(i);
            Envelope e = m.envelope();
            ids[i] = UUID.fromString(e.messageId());
            aggregateTypes[i] = e.aggregateType();
            keys[i] = e.aggregateId();
            types[i] = e.type();
            payloads[i] = e.toJson().encode();
            JsonObject header = new JsonObject()
                .put("messageId", e.messageId())
                .put("type", e.type())
                .put("correlationId", e.correlationId())
                .put("causationId", e.causationId());
            if (m.traceparent() != null) {
                header.put(Tracing.TRACEPARENT, m.traceparent());
            }
            headers[i] = header.encode();
            topics[i] = m.topic();
            shards[i] = (short) shardOf(e.aggregateId());
        }
        return tx.preparedQuery("""
                INSERT INTO outbox (id, aggregatetype, aggregateid, type, payload, headers, topic, shard)
                SELECT id, aggregatetype, aggregateid, type, payload, headers, topic, shard
                FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::smallint[])
                     WITH ORDINALITY AS m(id, aggregatetype, aggregateid, type, payload, headers, topic, shard, n)
                ORDER BY n""" + onConflict)
            .execute(Tuple.from(new Object[] {ids, aggregateTypes, keys, types, payloads, headers, topics, shards}))
            .mapEmpty();
    }

    /** Published rows, deleted by age in bounded batches. */
    public static final BoundedDeletes PUBLISHED = new BoundedDeletes("outbox", "id", "published_at");

    /** Deletes up to {@code batch} rows published before {@code before} and answers how many went. */
    public static Future<Integer> deletePublished(SqlClient client, Instant before, int batch) {
        return PUBLISHED.batch(client, before, batch);
    }
}
