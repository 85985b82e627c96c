package io.sagaway.messaging;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.UUID;

/** The authoritative record of handled messages, written in the effect's own transaction. */
public final class ProcessedMessages {

    private ProcessedMessages() {
    }

    /** Records {@code messageId} for {@code consumer}; answers false when it was already recorded (a redelivery). */
    public static Future<Boolean> firstTime(SqlConnection tx, String consumer, String messageId) {
        return tx.preparedQuery("""
                INSERT INTO processed_messages (consumer, message_id) VALUES ($1, $2)
                ON CONFLICT DO NOTHING RETURNING 1""")
            .execute(Tuple.of(consumer, UUID.fromString(messageId)))
            .map(rows -> rows.size() == 1);
    }
}
