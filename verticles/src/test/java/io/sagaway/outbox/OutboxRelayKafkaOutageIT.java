package io.sagaway.outbox;

import io.sagaway.eventstore.EventStore;
import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.messaging.Envelope;
import io.sagaway.stack.LocalStack;
import io.sagaway.stack.ServiceKind;
import io.sagaway.stack.StackSettings;
import io.sagaway.testing.Await;
import io.sagaway.testing.TestSchema;
import io.sagaway.testing.TopicProbe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka stopped for 10 s while orders keep being appended: nothing is lost. The test runs a
 * Kafka broker of its own (ports and folder apart from the shared stack) so it can stop it.
 */
class OutboxRelayKafkaOutageIT {

    private static final int BASE = 23000 + (int) (ProcessHandle.current().pid() % 500) * 2;
    private static LocalStack ownKafka;
    private static Vertx vertx;
    private static TestSchema schema;

    @BeforeAll
    static void startOwnKafka() {
        ownKafka = new LocalStack(StackSettings.fromEnv(System.getenv())
            .withDir(Path.of("target/outage-kafka"))
            .withPorts(5432, 6379, BASE, BASE + 1, 9200));
        ownKafka.up(Set.of(ServiceKind.KAFKA));
        vertx = Vertx.vertx();
        schema = TestSchema.create(vertx, "it_outage");
    }

    @AfterAll
    static void stopOwnKafka() {
        Await.result(Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()));
        schema.close();
        Await.result(vertx.close());
        ownKafka.down();
    }

    @Test
    void eventsAppendedWhileKafkaIsDownForTenSecondsAllArriveOnceItIsBack() throws Exception {
        String bootstrap = ownKafka.endpoints().kafkaBootstrap();
        try (TopicProbe topic = TopicProbe.create(bootstrap, "it.outage." + schema.name(), 4)) {
            Await.result(vertx.deployVerticle(new OutboxRelayVerticle(new OutboxRelayVerticle.Settings(
                schema.postgresUri(), schema.name(), bootstrap, 64, Duration.ofMillis(500), Duration.ofHours(1)))));
            Set<String> appended = new HashSet<>();

            appendFor(Duration.ofSeconds(2), topic.topic(), appended);
            ownKafka.stop(Set.of(ServiceKind.KAFKA));
            Instant down = Instant.now();
            appendFor(Duration.ofSeconds(10), topic.topic(), appended);
            long pendingWhileDown = schema.count("SELECT count(*) FROM outbox WHERE published_at IS NULL");
            assertThat(Duration.between(down, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(10));
            ownKafka.up(Set.of(ServiceKind.KAFKA));
            appendFor(Duration.ofSeconds(2), topic.topic(), appended);

            assertThat(pendingWhileDown).as("rows waiting while Kafka was down").isPositive();
            var received = topic.pollUntil(records -> records.stream().map(r -> Envelope.fromJson(r.value()).messageId())
                .distinct().count() >= appended.size(), Duration.ofSeconds(90));
            Set<String> ids = new HashSet<>();
            received.forEach(r -> ids.add(Envelope.fromJson(r.value()).messageId()));
            assertThat(ids).containsAll(appended);
            assertThat(schema.count("SELECT count(*) FROM outbox WHERE published_at IS NULL")).isZero();
        }
    }

    /** Appends one new order event every 20 ms for {@code duration}. */
    private static void appendFor(Duration duration, String topic, Set<String> appended) throws InterruptedException {
        EventStore store = new EventStore();
        Instant end = Instant.now().plus(duration);
        while (Instant.now().isBefore(end)) {
            String order = "order-" + UUID.randomUUID();
            UUID id = UUID.randomUUID();
            Instant at = Instant.now();
            EventStore.NewEvent event = new EventStore.NewEvent(id, "TestEvent", new JsonObject());
            Await.result(schema.pool().withTransaction(tx -> store.append(tx, "Order", order, 0, List.of(event),
                    new MessageMetadata(order, order), at)
                .compose(stored -> Outbox.insert(tx, List.of(new OutboxMessage(topic,
                    new Envelope(id.toString(), "TestEvent", "Order", order, 1, order, order, at, new JsonObject())))))));
            appended.add(id.toString());
            Thread.sleep(20);
        }
    }
}
