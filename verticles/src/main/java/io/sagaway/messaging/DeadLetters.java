package io.sagaway.messaging;

import io.sagaway.outbox.Outbox;
import io.sagaway.outbox.OutboxMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The dead-letter store: a message set aside after its attempts goes to the {@code dead_letters}
 * table and, through the outbox in the same transaction, to its topic's {@code .DLT} topic.
 */
public final class DeadLetters {

    /** A dead letter as stored. */
    public record DeadLetter(UUID id, String consumer, String topic, int partition, long offset, String key, String value,
                             String error, int attempts, Instant firstFailedAt, Instant lastFailedAt, Instant redrivenAt) {
    }

    /** Longest value a dead letter's announcement on the {@code .DLT} topic carries; the table keeps it whole. */
    static final int ANNOUNCED_VALUE_CHARS = 64 * 1024;

    private final Pool pool;

    public DeadLetters(Pool pool) {
        this.pool = pool;
    }

    /**
     * Sets a record aside. The same message failing again (after a redrive, or delivered twice)
     * updates its letter: more attempts, the latest error, no longer redriven.
     *
     * @param messageId the envelope's message id, or null when the record could not be read
     */
    public Future<UUID> put(String consumer, String messageId, String topic, int partition, long offset, String key, String value,
                            String error, int attempts) {
        return pool.withTransaction(tx -> put(tx, consumer, messageId, topic, partition, offset, key, value, error, attempts));
    }

    /** As {@link #put(String, String, String, int, long, String, String, String, int)}, within the caller's transaction. */
    public static Future<UUID> put(SqlConnection tx, String consumer, String messageId, String topic, int partition, long offset,
                                   String key, String value, String error, int attempts) {
        UUID id = UUID.randomUUID();
        Instant now = Instant.now();
        String conflictTarget = messageId == null
            ? "(consumer, topic, partition_no, record_offset)"
            : "(consumer, message_id) WHERE message_id IS NOT NULL";
        return tx.preparedQuery("""
                INSERT INTO dead_letters (id, consumer, message_id, topic, partition_no, record_offset, record_key, record_value,
                                          error, attempts, first_failed_at, last_failed_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
                ON CONFLICT %s DO UPDATE
                  SET error = EXCLUDED.error, attempts = dead_letters.attempts + EXCLUDED.attempts,
                      last_failed_at = EXCLUDED.last_failed_at, redriven_at = NULL
                RETURNING id""".formatted(conflictTarget))
            .execute(Tuple.from(new Object[] {id, consumer, messageId == null ? null : UUID.fromString(messageId), topic,
                partition, offset, key, value, error, attempts, now.atOffset(ZoneOffset.UTC)}))
            .compose(rows -> {
                UUID stored = rows.iterator().next().getUUID("id");
                JsonObject letter = new JsonObject().put("deadLetterId", stored.toString()).put("consumer", consumer)
                    .put("topic", topic).put("partition", partition).put("offset", offset).put("key", key)
                    .put("error", error).put("attempts", attempts);
                // The announcement carries the value only while it is small: a record set aside for being too large
                // must not come back as a dead-letter record too large to send.
                if (value.length() <= ANNOUNCED_VALUE_CHARS) {
                    letter.put("value", value);
                } else {
                    letter.put("valueChars", value.length());
                }
                Envelope envelope = new Envelope(UUID.randomUUID().toString(), "DeadLetter", "DeadLetter",
                    key == null ? stored.toString() : key, 0, key, null, now, letter);
                return Outbox.insert(tx, List.of(new OutboxMessage(topic + Topics.DEAD_LETTER_SUFFIX, envelope))).map(stored);
            });
    }

    /** Newest first, {@code first} after the cursor (an offset into the list). */
    public Future<List<DeadLetter>> list(int first, int skip) {
        return pool.preparedQuery("SELECT * FROM dead_letters ORDER BY first_failed_at DESC, id LIMIT $1 OFFSET $2")
            .execute(Tuple.of(first, skip))
            .map(rows -> {
                List<DeadLetter> letters = new ArrayList<>();
                rows.forEach(row -> letters.add(toDeadLetter(row)));
                return letters;
            });
    }

    public Future<Long> count() {
        return pool.query("SELECT count(*) FROM dead_letters").execute().map(rows -> rows.iterator().next().getLong(0));
    }

    public Future<Optional<DeadLetter>> get(UUID id) {
        return pool.preparedQuery("SELECT * FROM dead_letters WHERE id = $1").execute(Tuple.of(id))
            .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(toDeadLetter(rows.iterator().next())));
    }

    public Future<DeadLetter> markRedriven(UUID id) {
        return pool.preparedQuery("UPDATE dead_letters SET redriven_at = now() WHERE id = $1 RETURNING *").execute(Tuple.of(id))
            .map(rows -> toDeadLetter(rows.iterator().next()));
    }

    public Future<Void> clearRedriven(UUID id) {
        return pool.preparedQuery("UPDATE dead_letters SET redriven_at = NULL WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
    }

    private static DeadLetter toDeadLetter(Row row) {
        return new DeadLetter(row.getUUID("id"), row.getString("consumer"), row.getString("topic"), row.getInteger("partition_no"),
            row.getLong("record_offset"), row.getString("record_key"), row.getString("record_value"), row.getString("error"),
            row.getInteger("attempts"), row.getOffsetDateTime("first_failed_at").toInstant(),
            row.getOffsetDateTime("last_failed_at").toInstant(),
            row.getOffsetDateTime("redriven_at") == null ? null : row.getOffsetDateTime("redriven_at").toInstant());
    }
}
