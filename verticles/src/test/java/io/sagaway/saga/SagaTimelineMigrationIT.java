package io.sagaway.saga;

import io.sagaway.infra.InfraClients;
import io.sagaway.infra.Migrations;
import io.sagaway.saga.domain.SagaEventType;
import io.sagaway.saga.domain.SagaStepName;
import io.sagaway.saga.domain.TimelineEntry;
import io.sagaway.testing.Await;
import io.sagaway.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** V4 moves each saga's timeline rows into its row, in their order, and drops the old table. */
class SagaTimelineMigrationIT {

    @Test
    void existingTimelinesMoveIntoTheirSagaRowsInOrder() {
        String uri = TestServices.endpoints().postgresUri();
        String schema = TestServices.uniqueName("it_timeline_migration");
        Migrations.Jdbc jdbc = Migrations.Jdbc.from(uri);
        Flyway.configure().dataSource(jdbc.url(), jdbc.user(), jdbc.password()).schemas(schema).defaultSchema(schema)
            .createSchemas(true).locations("classpath:db/migration").target("3").load().migrate();

        Vertx vertx = Vertx.vertx();
        Pool pool = InfraClients.postgres(vertx, uri, schema, 2);
        try {
            Await.result(pool.query("""
                INSERT INTO sagas (saga_id, order_id, status, state, version, started_at, updated_at)
                VALUES ('s-1', 'o-1', 'RUNNING', '{}', 3, now(), now()), ('s-2', 'o-2', 'RUNNING', '{}', 1, now(), now());
                INSERT INTO saga_timeline (saga_id, at, type, step, message) VALUES
                    ('s-1', '2026-11-26T10:00:00.000001Z', 'STARTED', NULL, NULL),
                    ('s-2', '2026-11-26T10:00:00.5Z', 'STARTED', NULL, NULL),
                    ('s-1', '2026-11-26T10:00:01.25Z', 'STEP_REQUESTED', 'PAYMENT', 'attempt 1'),
                    -- an earlier time inserted later: the order of insertion is the timeline's order
                    ('s-1', '2026-11-26T09:59:59Z', 'STEP_SUCCEEDED', 'PAYMENT', 'payment p-1')""").execute());

            Migrations.apply(uri, schema);

            SagaStore store = new SagaStore();
            assertThat(Await.result(store.timeline(pool, "s-1"))).containsExactly(
                new TimelineEntry(Instant.parse("2026-11-26T10:00:00.000001Z"), SagaEventType.STARTED, null, null),
                new TimelineEntry(Instant.parse("2026-11-26T10:00:01.25Z"), SagaEventType.STEP_REQUESTED, SagaStepName.PAYMENT, "attempt 1"),
                new TimelineEntry(Instant.parse("2026-11-26T09:59:59Z"), SagaEventType.STEP_SUCCEEDED, SagaStepName.PAYMENT, "payment p-1"));
            assertThat(Await.result(store.timeline(pool, "s-2"))).containsExactly(
                new TimelineEntry(Instant.parse("2026-11-26T10:00:00.5Z"), SagaEventType.STARTED, null, null));
            assertThat(Await.result(pool.query("SELECT to_regclass('saga_timeline') IS NULL").execute()).iterator().next().getBoolean(0))
                .isTrue();
        } finally {
            Await.result(pool.query("DROP SCHEMA " + schema + " CASCADE").execute());
            Await.result(pool.close());
            Await.result(vertx.close());
        }
    }
}
