package io.sagaway.outbox;

import io.sagaway.eventstore.EventStore;
import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.infra.InfraClients;
import io.sagaway.messaging.Envelope;
import io.sagaway.testing.Await;
import io.sagaway.testing.TestSchema;
import io.sagaway.testing.TestServices;
import io.sagaway.testing.TopicProbe;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class OutboxRelayIT {

    private static final EventStore STORE = new EventStore();

    private Vertx vertx;
    private TestSchema schema;
    private TopicProbe topic;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        schema = TestSchema.create(vertx, "it_relay");
        topic = TopicProbe.create(TestServices.endpoints().kafkaBootstrapServers(), "it.relay." + schema.name(), 8);
    }

    @AfterEach
    void tearDown() {
        Await.result(Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()));
        topic.close();
        schema.close();
        Await.result(vertx.close());
    }

    @Test
    void aThousandEventsOfFiftyOrdersArriveInEachOrdersVersionOrderWithTwoRelaysRunning() {
        deployRelay(OutboxRelay.AfterSend.NOTHING);
        deployRelay(OutboxRelay.AfterSend.NOTHING);

        List<String> orders = appendInterleaved(50, 20);

        List<ConsumerRecord<String, String>> records = topic.pollUntil(r -> distinctMessages(r) >= 1000, Duration.ofSeconds(60));
        assertThat(distinctMessages(records)).isEqualTo(1000);
        Map<String, List<Long>> versionsByOrder = firstSeenVersionsByKey(records);
        assertThat(versionsByOrder.keySet()).containsExactlyInAnyOrderElementsOf(orders);
        versionsByOrder.forEach((order, versions) ->
            assertThat(versions).as("versions of " + order).containsExactlyElementsOf(range(1, 20)));
        awaitAllPublished();
    }

    @Test
    void aRelayThatDiesBetweenTheSendAndMarkingTheRowsLosesNothingAndResendsWithTheSameIds() {
        AtomicBoolean crashed = new AtomicBoolean();
        List<UUID> sentBeforeCrash = Collections.synchronizedList(new ArrayList<>());
        deployRelay(ids -> {
            if (crashed.compareAndSet(false, true)) {
                sentBeforeCrash.addAll(ids);
                return Future.failedFuture(new IllegalStateException("simulated crash after the Kafka send"));
            }
            return Future.succeededFuture();
        });

        appendInterleaved(10, 5);

        List<ConsumerRecord<String, String>> records = topic.pollUntil(r -> distinctMessages(r) >= 50, Duration.ofSeconds(60));
        awaitAllPublished();
        assertThat(crashed).isTrue();
        assertThat(sentBeforeCrash).isNotEmpty();
        Map<String, Long> copies = records.stream().collect(Collectors.groupingBy(OutboxRelayIT::messageId, Collectors.counting()));
        assertThat(copies).hasSize(50);
        // What was sent before the crash arrives twice, with the same message id; nothing is missing.
        sentBeforeCrash.forEach(id -> assertThat(copies.get(id.toString())).as("copies of " + id).isEqualTo(2L));
        firstSeenVersionsByKey(records).values().forEach(versions -> assertThat(versions).containsExactlyElementsOf(range(1, 5)));
    }

    @Test
    void rowsWrittenBeforeAnyRelayRunsAreAllPublishedWhenOneStarts() {
        appendInterleaved(5, 4);
        assertThat(schema.count("SELECT count(*) FROM outbox WHERE published_at IS NULL")).isEqualTo(20);

        deployRelay(OutboxRelay.AfterSend.NOTHING);

        topic.pollUntil(r -> distinctMessages(r) >= 20, Duration.ofSeconds(30));
        awaitAllPublished();
        var headers = topic.pollUntil(r -> true, Duration.ofSeconds(1)).get(0).headers();
        assertThat(new String(headers.lastHeader("messageId").value(), StandardCharsets.UTF_8)).isNotBlank();
        assertThat(new String(headers.lastHeader("type").value(), StandardCharsets.UTF_8)).isEqualTo("TestEvent");
    }

    @Test
    void aBatchTellsWhetherAShardMayHoldMoreSoADrainGoesOnExactlyWhileRowsRemain() {
        appendInterleaved(1, 5); // one key: every row in one shard
        var producer = new KafkaProducer<String, String>(new HashMap<String, Object>(
            InfraClients.kafkaProducerConfig(TestServices.endpoints().kafkaBootstrapServers())),
            new StringSerializer(), new StringSerializer());
        try {
            // 32 rows a batch over 16 shards: at most 2 rows of a shard per batch.
            OutboxRelay relay = new OutboxRelay(vertx, schema.pool(), producer, 32, OutboxRelayVerticle.lockNamespace(schema.name()),
                15_000, OutboxRelay.AfterSend.NOTHING);

            assertThat(Await.result(relay.publishBatch())).isEqualTo(new OutboxRelay.Batch(2, true));
            assertThat(Await.result(relay.publishBatch())).isEqualTo(new OutboxRelay.Batch(2, true));
            assertThat(Await.result(relay.publishBatch())).as("the last row: the shard gave less than it was asked for")
                .isEqualTo(new OutboxRelay.Batch(1, false));
            assertThat(Await.result(relay.publishBatch())).isEqualTo(new OutboxRelay.Batch(0, false));
        } finally {
            producer.close();
        }
        var arrived = topic.pollUntil(r -> distinctMessages(r) >= 5, Duration.ofSeconds(30));
        assertThat(firstSeenVersionsByKey(arrived).values()).containsExactly(range(1, 5));
    }

    @Test
    void aRelayDrainsABacklogLargerThanABatchAllowsPerShardWithoutWaitingForAPoll() {
        appendInterleaved(1, 9); // one key, one shard: 9 rows, 2 per batch
        // Polling an hour apart: only the start-up wake-up and draining on can move the rows in time.
        Await.result(vertx.deployVerticle(new OutboxRelayVerticle(new OutboxRelayVerticle.Settings(
            schema.postgresUri(), schema.name(), TestServices.endpoints().kafkaBootstrapServers(), 32,
            Duration.ofHours(1), Duration.ofHours(1)))));

        var arrived = topic.pollUntil(r -> distinctMessages(r) >= 9, Duration.ofSeconds(20));
        assertThat(firstSeenVersionsByKey(arrived).values()).containsExactly(range(1, 9));
        awaitAllPublished();
    }

    @Test
    void publishedRowsPastTheirRetentionAreDeletedInBoundedBatchesAndNothingElseIs() {
        appendInterleaved(2, 5);
        Await.result(schema.pool().query("UPDATE outbox SET published_at = now() - interval '2 hours' WHERE id IN "
            + "(SELECT id FROM outbox ORDER BY position LIMIT 6)").execute());
        Await.result(schema.pool().query("UPDATE outbox SET published_at = now() WHERE id IN "
            + "(SELECT id FROM outbox WHERE published_at IS NULL ORDER BY position LIMIT 2)").execute());
        Instant retentionEnd = Instant.now().minus(Duration.ofHours(1));

        assertThat(Await.result(Outbox.deletePublished(schema.pool(), retentionEnd, 4))).isEqualTo(4);
        assertThat(Await.result(Outbox.deletePublished(schema.pool(), retentionEnd, 4))).isEqualTo(2);
        assertThat(Await.result(Outbox.deletePublished(schema.pool(), retentionEnd, 4))).isZero();
        assertThat(schema.count("SELECT count(*) FROM outbox WHERE published_at IS NOT NULL")).as("recently published rows stay").isEqualTo(2);
        assertThat(schema.count("SELECT count(*) FROM outbox WHERE published_at IS NULL")).as("pending rows stay").isEqualTo(2);
    }

    /** Before: the send failure rolled the batch back, the same rows came first again, and nothing was ever published. */
    @Test
    void aRowKafkaCanNeverTakeIsSetAsideAsADeadLetterAndTheOthersArePublished() {
        String big = "order-" + UUID.randomUUID();
        Instant at = Instant.now();
        Envelope tooLarge = new Envelope(UUID.randomUUID().toString(), "TestEvent", "Order", big, 1, big, big, at,
            new JsonObject().put("blob", "x".repeat(2 * 1024 * 1024)));
        Envelope alsoTooLarge = new Envelope(UUID.randomUUID().toString(), "TestEvent", "Order", big, 2, big, big, at,
            new JsonObject().put("blob", "y".repeat(2 * 1024 * 1024)));
        Await.result(schema.pool().withTransaction(tx -> Outbox.insert(tx, List.of(new OutboxMessage(topic.topic(), tooLarge),
            new OutboxMessage(topic.topic(), alsoTooLarge)))));
        List<String> orders = appendInterleaved(10, 3);
        deployRelay(OutboxRelay.AfterSend.NOTHING);

        List<ConsumerRecord<String, String>> records = topic.pollUntil(r -> distinctMessages(r) >= 30, Duration.ofSeconds(60));
        assertThat(firstSeenVersionsByKey(records).keySet()).containsExactlyInAnyOrderElementsOf(orders);
        awaitAllPublished();
        assertThat(schema.count("SELECT count(*) FROM outbox WHERE id = '" + tooLarge.messageId() + "'")).isZero();
        assertThat(schema.count("SELECT count(*) FROM dead_letters WHERE consumer = '" + OutboxRelay.DEAD_LETTER_CONSUMER
            + "' AND message_id = '" + tooLarge.messageId() + "' AND record_key = '" + big + "' AND error LIKE '%RecordTooLargeException%'"
            + " AND length(record_value) > 2000000")).isEqualTo(1);
        assertThat(schema.count("SELECT count(*) FROM dead_letters WHERE consumer = '" + OutboxRelay.DEAD_LETTER_CONSUMER + "'")).isEqualTo(2);
    }

    private void deployRelay(OutboxRelay.AfterSend afterSend) {
        Await.result(vertx.deployVerticle(new OutboxRelayVerticle(new OutboxRelayVerticle.Settings(
            schema.postgresUri(), schema.name(), TestServices.endpoints().kafkaBootstrapServers(), 64,
            Duration.ofMillis(500), Duration.ofHours(1)), afterSend)));
    }

    /** Appends {@code perOrder} events to each of {@code orderCount} streams, interleaving streams at random, several at a time. */
    private List<String> appendInterleaved(int orderCount, int perOrder) {
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < orderCount; i++) {
            orders.add("order-" + UUID.randomUUID());
        }
        List<String> schedule = new ArrayList<>();
        orders.forEach(o -> schedule.addAll(Collections.nCopies(perOrder, o)));
        Collections.shuffle(schedule, new Random(42));
        Map<String, Integer> nextVersion = new HashMap<>();
        // Streams are appended one event at a time; different streams run concurrently, four at once.
        List<Future<?>> lanes = new ArrayList<>();
        for (int lane = 0; lane < 4; lane++) {
            lanes.add(Future.succeededFuture());
        }
        for (int i = 0; i < schedule.size(); i++) {
            String order = schedule.get(i);
            int version = nextVersion.merge(order, 1, Integer::sum);
            int lane = Math.floorMod(order.hashCode(), 4);
            lanes.set(lane, lanes.get(lane).compose(v -> schema.pool().withTransaction(tx -> appendOne(tx, order, version))));
        }
        Await.result(Future.all(lanes), Duration.ofSeconds(120));
        return orders;
    }

    private Future<Void> appendOne(SqlConnection tx, String order, int version) {
        Instant at = Instant.now();
        EventStore.NewEvent event = new EventStore.NewEvent(UUID.randomUUID(), "TestEvent", new JsonObject().put("v", version));
        return STORE.append(tx, "Order", order, version - 1, List.of(event), new MessageMetadata(order, order), at)
            .compose(stored -> Outbox.insert(tx, List.of(new OutboxMessage(topic.topic(), new Envelope(event.eventId().toString(),
                event.type(), "Order", order, version, order, order, at, event.data())))));
    }

    private void awaitAllPublished() {
        Instant deadline = Instant.now().plusSeconds(30);
        while (schema.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") > 0) {
            assertThat(Instant.now()).as("all outbox rows published").isBefore(deadline);
            sleep(100);
        }
    }

    private static String messageId(ConsumerRecord<String, String> record) {
        return Envelope.fromJson(record.value()).messageId();
    }

    private static long distinctMessages(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(OutboxRelayIT::messageId).distinct().count();
    }

    /** Per key, the versions in the order they first arrived (duplicates, allowed by at-least-once, dropped). */
    private static Map<String, List<Long>> firstSeenVersionsByKey(List<ConsumerRecord<String, String>> records) {
        Set<String> seen = new LinkedHashSet<>();
        Map<String, List<Long>> versions = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            Envelope envelope = Envelope.fromJson(record.value());
            assertThat(record.key()).isEqualTo(envelope.aggregateId());
            if (seen.add(envelope.messageId())) {
                versions.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(envelope.version());
            }
        }
        return versions;
    }

    private static List<Long> range(long from, long to) {
        List<Long> values = new ArrayList<>();
        for (long v = from; v <= to; v++) {
            values.add(v);
        }
        return values;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
