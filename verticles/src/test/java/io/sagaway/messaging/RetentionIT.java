package io.sagaway.messaging;

import io.sagaway.infra.BoundedDeletes;
import io.sagaway.testing.Await;
import io.sagaway.testing.TestSchema;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Before: processed_messages and dead_letters were never pruned, and grew with every message for ever. */
class RetentionIT {

    private Vertx vertx;
    private long offset;
    private TestSchema schema;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        schema = TestSchema.create(vertx, "it_retention");
    }

    @AfterEach
    void tearDown() {
        schema.close();
        Await.result(vertx.close());
    }

    @Test
    void rowsPastTheirRetentionGoInBoundedBatchesAndYoungerOnesStay() {
        Instant now = Instant.now();
        for (int i = 0; i < 3; i++) {
            processed(now.minus(Duration.ofHours(9)));
        }
        processed(now.minus(Duration.ofMinutes(5)));
        processed(now);
        deadLetter(now.minus(Duration.ofDays(3)));
        deadLetter(now.minus(Duration.ofHours(1)));

        // One bounded batch takes at most its limit.
        int first = Await.result(new BoundedDeletes("processed_messages", "ctid", "processed_at").batch(schema.pool(),
            now.minus(Duration.ofHours(8)), 2));
        assertThat(first).isEqualTo(2);

        RetentionVerticle retention = new RetentionVerticle(new RetentionVerticle.Settings(schema.postgresUri(), schema.name(),
            Duration.ofHours(8), Duration.ofDays(2), Duration.ofHours(1)));
        Await.result(vertx.deployVerticle(retention));
        assertThat(Await.result(retention.runOnce())).isEqualTo(2);
        assertThat(schema.count("SELECT count(*) FROM processed_messages")).isEqualTo(2);
        assertThat(schema.count("SELECT count(*) FROM dead_letters")).isEqualTo(1);
        assertThat(schema.count("SELECT count(*) FROM dead_letters WHERE last_failed_at > now() - interval '2 hours'")).isEqualTo(1);
    }

    private void processed(Instant at) {
        Await.result(schema.pool().preparedQuery("INSERT INTO processed_messages (consumer, message_id, processed_at) VALUES ($1, $2, $3)")
            .execute(Tuple.of("payment", UUID.randomUUID(), at.atOffset(ZoneOffset.UTC))));
    }

    private void deadLetter(Instant at) {
        Await.result(schema.pool().preparedQuery("""
                INSERT INTO dead_letters (id, consumer, message_id, topic, partition_no, record_offset, record_key, record_value, error,
                                          attempts, first_failed_at, last_failed_at)
                VALUES ($1, 'payment', $1, 'payment.requests', 0, $3, 'k', '{}', 'refused', 1, $2, $2)""")
            .execute(Tuple.of(UUID.randomUUID(), at.atOffset(ZoneOffset.UTC), offset++)));
    }
}
