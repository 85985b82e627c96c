package io.sagaway.messaging;

import io.sagaway.infra.InfraClients;
import io.sagaway.infra.ServiceEndpoints;
import io.sagaway.testing.Await;
import io.sagaway.testing.TestSchema;
import io.sagaway.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** The reliable consumer against real Kafka, Redis and PostgreSQL: per-key order with keys side by side, and rewinds. */
class ReliableConsumerIT {

    private final ServiceEndpoints endpoints = TestServices.endpoints();
    private Vertx vertx;
    private TestSchema schema;
    private Redis redis;
    private String topic;
    private ReliableConsumer consumer;

    @BeforeEach
    void setUp() {
        vertx = Vertx.vertx();
        schema = TestSchema.create(vertx, "it_consumer");
        redis = InfraClients.redis(vertx, endpoints.redisUri());
        topic = TestServices.uniqueName("it.consumer.");
        Await.result(TopicSetup.ensure(vertx, endpoints.kafkaBootstrapServers(), List.of(topic), 1, (short) 1));
    }

    @AfterEach
    void tearDown() {
        if (consumer != null) {
            Promise<Void> stopped = Promise.promise();
            vertx.runOnContext(v -> consumer.stop().onComplete(stopped));
            Await.result(stopped.future());
        }
        schema.close();
        redis.close();
        Await.result(vertx.close());
    }

    private ReliableConsumer start(ReliableConsumer.Handler handler) {
        String name = TestServices.uniqueName("it-consumer-");
        return started(new ReliableConsumer(vertx, settings(name),
            new IdempotencyGuard(redis, name, Duration.ofSeconds(30), Duration.ofDays(1)), new DeadLetters(schema.pool()),
            handler));
    }

    private ReliableConsumer startBatched(ReliableConsumer.BatchHandler handler) {
        return startBatched(TestServices.uniqueName("it-consumer-"), handler);
    }

    private ReliableConsumer startBatched(String name, ReliableConsumer.BatchHandler handler) {
        return started(ReliableConsumer.batched(vertx, settings(name),
            new IdempotencyGuard(redis, name, Duration.ofSeconds(30), Duration.ofDays(1)), new DeadLetters(schema.pool()),
            handler, ReliableConsumer.Relevance.ALL));
    }

    private ReliableConsumer.Settings settings(String name) {
        return new ReliableConsumer.Settings(name, List.of(topic), endpoints.kafkaBootstrapServers(), 1, Duration.ofMillis(10), 8);
    }

    private ReliableConsumer started(ReliableConsumer started) {
        Promise<Void> deployed = Promise.promise();
        vertx.runOnContext(v -> started.start().onComplete(deployed));
        Await.result(deployed.future());
        return started;
    }

    private void publish(List<String[]> keyAndType) throws Exception {
        publish(keyAndType, List.of());
    }

    /** Publishes records of {key, type}; the first ones get the given message ids, the others random ones. */
    private void publish(List<String[]> keyAndType, List<String> messageIds) throws Exception {
        try (var producer = new KafkaProducer<String, String>(Map.of("bootstrap.servers", endpoints.kafkaBootstrapServers()),
            new StringSerializer(), new StringSerializer())) {
            int i = 0;
            for (String[] record : keyAndType) {
                String id = i < messageIds.size() ? messageIds.get(i) : UUID.randomUUID().toString();
                i++;
                String value = new Envelope(id, record[1], "Test", record[0], 1, record[0], record[0],
                    Instant.now(), new JsonObject()).toJson().encode();
                producer.send(new ProducerRecord<>(topic, record[0], value)).get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (!condition.getAsBoolean()) {
            assertThat(System.currentTimeMillis()).as(what).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void eachKeysRecordsRunInOrderWhileDifferentKeysRunSideBySide() throws Exception {
        int keys = 20;
        int perKey = 5;
        Queue<String> handled = new ConcurrentLinkedQueue<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger mostAtOnce = new AtomicInteger();
        consumer = start(delivery -> {
            mostAtOnce.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            Promise<Void> done = Promise.promise();
            vertx.setTimer(ThreadLocalRandom.current().nextInt(1, 15), id -> {
                inFlight.decrementAndGet();
                handled.add(delivery.key() + ":" + delivery.envelope().type());
                done.complete();
            });
            return done.future();
        });
        List<String[]> records = new ArrayList<>();
        for (int seq = 1; seq <= perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                records.add(new String[] {"key-" + k, "Step" + seq});
            }
        }
        publish(records);

        await(() -> handled.size() >= keys * perKey, "every record handled");
        Thread.sleep(300);
        assertThat(handled).hasSize(keys * perKey);
        for (int k = 0; k < keys; k++) {
            String key = "key-" + k;
            assertThat(handled.stream().filter(h -> h.startsWith(key + ":")).toList())
                .containsExactly(key + ":Step1", key + ":Step2", key + ":Step3", key + ":Step4", key + ":Step5");
        }
        assertThat(mostAtOnce.get()).as("different keys were handled side by side").isGreaterThan(1).isLessThanOrEqualTo(8);
    }

    /**
     * A's record can be neither handled nor set aside (the dead-letter table refuses it), so the
     * partition rewinds to it; B's records after it were settled meanwhile (B1 dead-lettered, B2
     * handled) and must not run again: B1 running after B2 would break B's order.
     */
    @Test
    void aRewindRunsNothingThatOtherKeysAlreadySettled() throws Exception {
        String table = schema.name() + ".dead_letters";
        Await.result(schema.pool().query("CREATE FUNCTION " + schema.name() + ".refuse_a() RETURNS trigger LANGUAGE plpgsql AS $$ "
            + "BEGIN IF NEW.record_key = 'A' THEN RAISE EXCEPTION 'dead letters unavailable for A'; END IF; RETURN NEW; END $$").execute());
        Await.result(schema.pool().query("CREATE TRIGGER refuse_a BEFORE INSERT ON " + table
            + " FOR EACH ROW EXECUTE FUNCTION " + schema.name() + ".refuse_a()").execute());
        Queue<String> calls = new ConcurrentLinkedQueue<>();
        consumer = start(delivery -> {
            calls.add(delivery.key() + ":" + delivery.envelope().type());
            return "Fails".equals(delivery.envelope().type()) ? Future.failedFuture(new IllegalStateException("refused"))
                : Future.succeededFuture();
        });
        publish(List.of(new String[] {"A", "Fails"}, new String[] {"B", "Fails"}, new String[] {"B", "Works"}));

        await(() -> calls.stream().filter("A:Fails"::equals).count() >= 2, "A retried after the rewind");
        Await.result(schema.pool().query("DROP TRIGGER refuse_a ON " + table).execute());
        await(() -> schema.count("SELECT count(*) FROM " + table + " WHERE record_key = 'A'") == 1, "A set aside once it can be");
        Thread.sleep(1500);

        assertThat(calls.stream().filter(c -> c.startsWith("B:")).toList()).containsExactly("B:Fails", "B:Works");
        assertThat(schema.count("SELECT count(*) FROM " + table + " WHERE record_key = 'B' AND attempts = 1")).isEqualTo(1);
    }

    /**
     * Published before the consumer starts, so its first poll holds them all: the batch handler
     * gets waves of at most one record per key, keys in ascending order, each key's records in
     * offset order across waves, and more than one record per call (one transaction for many).
     */
    @Test
    void aBatchHandlerGetsWavesOfOneRecordPerKeyInKeyOrder() throws Exception {
        int keys = 20;
        int perKey = 3;
        List<String[]> records = new ArrayList<>();
        for (int seq = 1; seq <= perKey; seq++) {
            for (int k = 0; k < keys; k++) {
                records.add(new String[] {String.format("key-%02d", k), "Step" + seq});
            }
        }
        publish(records);
        Queue<List<String>> waves = new ConcurrentLinkedQueue<>();
        consumer = startBatched(deliveries -> {
            waves.add(deliveries.stream().map(d -> d.key() + ":" + d.envelope().type()).toList());
            return Future.succeededFuture();
        });

        await(() -> waves.stream().mapToInt(List::size).sum() >= keys * perKey, "every record handled");
        Thread.sleep(300);
        List<String> handled = waves.stream().flatMap(List::stream).toList();
        assertThat(handled).hasSize(keys * perKey).doesNotHaveDuplicates();
        for (List<String> wave : waves) {
            List<String> waveKeys = wave.stream().map(h -> h.substring(0, h.indexOf(':'))).toList();
            assertThat(waveKeys).as("one record per key, keys in order").doesNotHaveDuplicates().isSorted();
        }
        for (int k = 0; k < keys; k++) {
            String key = String.format("key-%02d", k);
            assertThat(handled.stream().filter(h -> h.startsWith(key + ":")).toList())
                .containsExactly(key + ":Step1", key + ":Step2", key + ":Step3");
        }
        assertThat(waves.stream().mapToInt(List::size).max().orElse(0)).as("records of different keys went together").isGreaterThan(1);
    }

    /**
     * One poison record among sixteen fails each call it is in, as a rolled-back transaction
     * would: the wave is split in halves until it is alone and set aside, and the fifteen others
     * are each done once, at the cost of about 2 log2(16) more calls, not one call per record.
     */
    @Test
    void aPoisonRecordInAWaveFailsAloneWhileTheOthersAreDone() throws Exception {
        List<String[]> records = new ArrayList<>();
        for (int k = 0; k < 16; k++) {
            records.add(new String[] {String.format("key-%02d", k), k == 11 ? "Poison" : "Good"});
        }
        publish(records);
        AtomicInteger calls = new AtomicInteger();
        Queue<String> committed = new ConcurrentLinkedQueue<>();
        consumer = startBatched(deliveries -> {
            calls.incrementAndGet();
            if (deliveries.stream().anyMatch(d -> "Poison".equals(d.envelope().type()))) {
                return Future.failedFuture(new PoisonMessageException("cannot be applied"));
            }
            deliveries.forEach(d -> committed.add(d.key()));
            return Future.succeededFuture();
        });
        String table = schema.name() + ".dead_letters";

        await(() -> committed.size() >= 15 && schema.count("SELECT count(*) FROM " + table) == 1, "the good done, the poison set aside");
        Thread.sleep(500);
        assertThat(committed).hasSize(15).doesNotHaveDuplicates().doesNotContain("key-11");
        assertThat(schema.count("SELECT count(*) FROM " + table + " WHERE record_key = 'key-11' AND attempts = 1")).isEqualTo(1);
        assertThat(calls.get()).as("halving, not one call per record").isLessThanOrEqualTo(9);
    }

    /**
     * A's first record is claimed by another instance (its claim lapses in 8 s): A waits, with its
     * next record behind it, while B's three records go through wave after wave without waiting.
     */
    @Test
    void aKeyWaitingOutAnotherInstancesClaimHoldsUpOnlyItself() throws Exception {
        String name = TestServices.uniqueName("it-consumer-");
        String claimedElsewhere = UUID.randomUUID().toString();
        Await.result(io.vertx.redis.client.RedisAPI.api(redis)
            .set(List.of("sagaway:processed:" + name + ":" + claimedElsewhere, "processing", "EX", "8")));
        long claimedAt = System.nanoTime();
        publish(List.of(new String[] {"A", "A1"}, new String[] {"A", "A2"}, new String[] {"B", "B1"}, new String[] {"B", "B2"},
            new String[] {"B", "B3"}), List.of(claimedElsewhere));
        Queue<String> handled = new ConcurrentLinkedQueue<>();
        Map<String, Long> at = new java.util.concurrent.ConcurrentHashMap<>();
        consumer = startBatched(name, deliveries -> {
            deliveries.forEach(d -> {
                handled.add(d.envelope().type());
                at.put(d.envelope().type(), (System.nanoTime() - claimedAt) / 1_000_000);
            });
            return Future.succeededFuture();
        });

        await(() -> handled.size() >= 5, "every record handled");
        assertThat(handled.stream().filter(h -> h.startsWith("A")).toList()).containsExactly("A1", "A2");
        assertThat(handled.stream().filter(h -> h.startsWith("B")).toList()).containsExactly("B1", "B2", "B3");
        assertThat(at.get("B3")).as("B did not wait for A's claim to lapse").isLessThan(at.get("A1"));
        assertThat(at.get("A1")).as("A waited for the other claim to lapse").isGreaterThanOrEqualTo(7000);
    }
}
