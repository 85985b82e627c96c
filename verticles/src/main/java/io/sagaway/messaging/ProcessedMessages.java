package io.sagaway.messaging;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** The authoritative record of handled messages, written in the effect's own transaction. */
public final class ProcessedMessages {

    private ProcessedMessages() {
    }

    /**
     * Records the message of every delivery for {@code consumer} in one statement, with the
     * attempt it is on (an order's lineage shows it); answers the message ids recorded now,
     * leaving out those already recorded (redeliveries). The ids are inserted in a fixed order, so
     * two transactions recording some of the same ids (a rebalance moment) wait for each other
     * instead of deadlocking.
     */
    public static Future<Set<String>> firstTimes(SqlConnection tx, String consumer, List<ReliableConsumer.Delivery> deliveries) {
        record Processed(UUID id, short attempt) {
        }
        List<Processed> sorted = deliveries.stream()
            .map(d -> new Processed(UUID.fromString(d.envelope().messageId()), (short) Math.min(Short.MAX_VALUE, d.attempt())))
            .sorted(Comparator.comparing(Processed::id))
            .toList();
        return tx.preparedQuery("""
                INSERT INTO processed_messages (consumer, message_id, attempt)
                SELECT $1, m.id, m.attempt FROM unnest($2::uuid[], $3::smallint[]) AS m(id, attempt) ORDER BY m.id
                ON CONFLICT DO NOTHING RETURNING message_id""")
            .execute(Tuple.of(consumer, sorted.stream().map(Processed::id).toArray(UUID[]::new),
                sorted.stream().map(Processed::attempt).toArray(Short[]::new)))
            .map(rows -> {
                Set<String> first = new HashSet<>();
                for (Row row : rows) {
                    first.add(row.getUUID(0).toString());
                }
                return first;
            });
    }
}
