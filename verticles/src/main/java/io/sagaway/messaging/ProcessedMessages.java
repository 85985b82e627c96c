package io.sagaway.messaging;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The authoritative record of handled messages, written in the effect's own transaction. */
public final class ProcessedMessages {

    private ProcessedMessages() {
    }

    /**
     * Records every message of {@code messageIds} for {@code consumer} in one statement; answers
     * those recorded now, leaving out the ones already recorded (redeliveries). The ids are
     * inserted in a fixed order, so two transactions recording some of the same ids (a rebalance
     * moment) wait for each other instead of deadlocking.
     */
    public static Future<Set<String>> firstTimes(SqlConnection tx, String consumer, List<String> messageIds) {
        UUID[] ids = messageIds.stream().map(UUID::fromString).sorted().toArray(UUID[]::new);
        return tx.preparedQuery("""
                INSERT INTO processed_messages (consumer, message_id)
                SELECT $1, id FROM unnest($2::uuid[]) AS m(id) ORDER BY id
                ON CONFLICT DO NOTHING RETURNING message_id""")
            .execute(Tuple.of(consumer, (Object) ids))
            .map(rows -> {
                Set<String> first = new HashSet<>();
                for (Row row : rows) {
                    first.add(row.getUUID(0).toString());
                }
                return first;
            });
    }
}
