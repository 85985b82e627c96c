package io.sagaway.saga;

import io.sagaway.saga.domain.SagaStatus;
import io.sagaway.testing.Await;
import io.sagaway.testing.TestSchema;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** Sagas by status on the real PostgreSQL: exact as sagas start, finish and age past the watermark. */
class SagaStatusCountsIT {

    private static Vertx vertx;
    private static TestSchema schema;

    @BeforeAll
    static void migrate() {
        vertx = Vertx.vertx();
        schema = TestSchema.create(vertx, "it_counts");
    }

    @AfterAll
    static void drop() {
        schema.close();
        Await.result(vertx.close());
    }

    @BeforeEach
    void empty() {
        Await.result(schema.pool().query("DELETE FROM sagas").execute());
    }

    /** A saga in {@code status}, last changed {@code ageSeconds} ago by PostgreSQL's clock; answers its id. */
    private static String saga(SagaStatus status, long ageSeconds) {
        String id = UUID.randomUUID().toString();
        Await.result(schema.pool().preparedQuery("""
                INSERT INTO sagas (saga_id, order_id, status, state, version, started_at, updated_at)
                VALUES ($1, $2, $3, '{}'::jsonb, 1, now() - make_interval(secs => $4), now() - make_interval(secs => $4))""")
            .execute(Tuple.of(id, "order-" + id, status.name(), (double) ageSeconds)));
        return id;
    }

    private static void finish(String sagaId, SagaStatus status) {
        Await.result(schema.pool().preparedQuery("UPDATE sagas SET status = $2, updated_at = now() WHERE saga_id = $1")
            .execute(Tuple.of(sagaId, status.name())));
    }

    private static Map<SagaStatus, Long> refresh(SagaStatusCounts counts) {
        return Await.result(counts.refresh(schema.pool()));
    }

    @Test
    void countsSagasInFlightAndFinishedOnesLongAgoOrJustNow() {
        SagaStatusCounts counts = new SagaStatusCounts();
        for (int i = 0; i < 3; i++) {
            saga(SagaStatus.RUNNING, 1);
        }
        saga(SagaStatus.COMPENSATING, 2);
        for (int i = 0; i < 5; i++) {
            saga(SagaStatus.COMPLETED, 3600);
        }
        saga(SagaStatus.FAILED, 7200);
        saga(SagaStatus.FAILED, 7200);
        saga(SagaStatus.COMPLETED, 1);
        saga(SagaStatus.COMPLETED, 0);

        assertThat(refresh(counts)).containsExactlyInAnyOrderEntriesOf(Map.of(
            SagaStatus.RUNNING, 3L, SagaStatus.COMPENSATING, 1L, SagaStatus.COMPLETED, 7L, SagaStatus.FAILED, 2L));

        String running = saga(SagaStatus.RUNNING, 0);
        finish(running, SagaStatus.FAILED);
        saga(SagaStatus.COMPLETED, 0);
        assertThat(refresh(counts)).as("the second refresh adds what finished since")
            .containsExactlyInAnyOrderEntriesOf(Map.of(
                SagaStatus.RUNNING, 3L, SagaStatus.COMPENSATING, 1L, SagaStatus.COMPLETED, 8L, SagaStatus.FAILED, 3L));
    }

    @Test
    void aFinishedSagaIsCountedOnceAsTheWatermarkPassesIt() throws Exception {
        SagaStatusCounts counts = new SagaStatusCounts(Duration.ofSeconds(1));
        saga(SagaStatus.COMPLETED, 0);
        String later = saga(SagaStatus.RUNNING, 0);
        assertThat(refresh(counts).get(SagaStatus.COMPLETED)).isEqualTo(1);

        finish(later, SagaStatus.COMPLETED);
        assertThat(refresh(counts).get(SagaStatus.COMPLETED)).as("one behind the watermark, one after it").isEqualTo(2);

        Thread.sleep(1_500);
        assertThat(refresh(counts).get(SagaStatus.COMPLETED)).as("both behind it now: counted once each").isEqualTo(2);
        assertThat(refresh(counts).get(SagaStatus.COMPLETED)).isEqualTo(2);
        assertThat(refresh(counts).get(SagaStatus.RUNNING)).isZero();
    }

    @Test
    void aNewCounterOnAFullTableStartsFromTheWholeCount() {
        for (int i = 0; i < 4; i++) {
            saga(SagaStatus.FAILED, 86_400);
        }
        saga(SagaStatus.RUNNING, 0);
        assertThat(refresh(new SagaStatusCounts())).containsEntry(SagaStatus.FAILED, 4L).containsEntry(SagaStatus.RUNNING, 1L)
            .containsEntry(SagaStatus.COMPLETED, 0L).containsEntry(SagaStatus.COMPENSATING, 0L);
    }
}
