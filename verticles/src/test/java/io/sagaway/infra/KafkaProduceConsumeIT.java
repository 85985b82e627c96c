package io.sagaway.infra;

import io.sagaway.testing.Await;
import io.sagaway.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaProduceConsumeIT {

    private static final int PARTITIONS = 3;

    private static Vertx vertx;
    private static KafkaAdminClient admin;
    private static KafkaProducer<String, String> producer;
    private static String bootstrap;
    private String topic;

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        bootstrap = TestServices.endpoints().kafkaBootstrapServers();
        admin = KafkaAdminClient.create(vertx, InfraClients.kafkaAdminConfig(bootstrap));
        producer = KafkaProducer.create(vertx, InfraClients.kafkaProducerConfig(bootstrap));
    }

    @AfterAll
    static void close() {
        Await.result(producer.close());
        Await.result(admin.close());
        Await.result(vertx.close());
    }

    @BeforeEach
    void createTopic() {
        topic = "it." + TestServices.uniqueName("kafka");
        Await.result(admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))));
    }

    @AfterEach
    void deleteTopic() {
        Await.result(admin.deleteTopics(List.of(topic)));
    }

    @Test
    void recordsOfOneKeyArriveInOrderAndExplicitlyCommittedOffsetsAreWhereTheGroupResumes() {
        String group = TestServices.uniqueName("it_group");
        send(IntStream.range(0, 30).mapToObj(i -> KafkaProducerRecord.create(topic, "order-" + (i % 5), Integer.toString(i))).toList());

        KafkaConsumer<String, String> first = consumer(group);
        List<KafkaConsumerRecord<String, String>> received = pollUntil(first, 30);

        Map<String, List<Integer>> valuesByKey = new HashMap<>();
        received.forEach(r -> valuesByKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Integer.parseInt(r.value())));
        assertThat(valuesByKey).hasSize(5);
        valuesByKey.values().forEach(values -> assertThat(values).isSorted().hasSize(6));

        Map<TopicPartition, OffsetAndMetadata> processed = nextOffsets(received);
        Await.result(first.commit(processed));
        processed.forEach((tp, offset) ->
            assertThat(Await.result(first.committed(tp)).getOffset()).isEqualTo(offset.getOffset()));
        Await.result(first.close());

        send(List.of(KafkaProducerRecord.create(topic, "order-9", "after-commit")));
        KafkaConsumer<String, String> second = consumer(group);
        List<KafkaConsumerRecord<String, String>> resumed = pollUntil(second, 1);
        assertThat(resumed).extracting(KafkaConsumerRecord::value).containsExactly("after-commit");
        Await.result(second.close());
    }

    @Test
    void recordsThatWereNotCommittedAreDeliveredAgainToTheGroup() {
        String group = TestServices.uniqueName("it_group");
        String key = "order-" + TestServices.uniqueName("k");
        send(List.of(KafkaProducerRecord.create(topic, key, "a"), KafkaProducerRecord.create(topic, key, "b")));

        KafkaConsumer<String, String> first = consumer(group);
        List<KafkaConsumerRecord<String, String>> all = pollUntil(first, 2);
        // Only the first record was handled: commit just past it, as a consumer that died before the second would.
        KafkaConsumerRecord<String, String> handled = all.stream().filter(r -> r.value().equals("a")).findFirst().orElseThrow();
        Await.result(first.commit(Map.of(new TopicPartition(topic, handled.partition()), new OffsetAndMetadata(handled.offset() + 1, ""))));
        Await.result(first.close());

        KafkaConsumer<String, String> second = consumer(group);
        assertThat(pollUntil(second, 1)).extracting(KafkaConsumerRecord::value).containsExactly("b");
        Await.result(second.close());
    }

    private void send(List<KafkaProducerRecord<String, String>> records) {
        // Sent one after another so the order within each key is the order of the list.
        Future<?> chain = Future.succeededFuture();
        for (KafkaProducerRecord<String, String> record : records) {
            chain = chain.compose(ignored -> producer.send(record));
        }
        Await.result(chain);
    }

    private KafkaConsumer<String, String> consumer(String group) {
        KafkaConsumer<String, String> consumer = KafkaConsumer.create(vertx, InfraClients.kafkaConsumerConfig(bootstrap, group));
        Await.result(consumer.subscribe(topic));
        return consumer;
    }

    /** Polls until {@code expected} records arrived, then a little longer to catch any surplus. */
    private static List<KafkaConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> consumer, int expected) {
        List<KafkaConsumerRecord<String, String>> records = new ArrayList<>();
        Instant deadline = Instant.now().plusSeconds(30);
        while (records.size() < expected && Instant.now().isBefore(deadline)) {
            KafkaConsumerRecords<String, String> batch = Await.result(consumer.poll(Duration.ofMillis(500)));
            for (int i = 0; i < batch.size(); i++) {
                records.add(batch.recordAt(i));
            }
        }
        KafkaConsumerRecords<String, String> surplus = Await.result(consumer.poll(Duration.ofMillis(500)));
        for (int i = 0; i < surplus.size(); i++) {
            records.add(surplus.recordAt(i));
        }
        assertThat(records).as("records received").hasSize(expected);
        return records;
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<KafkaConsumerRecord<String, String>> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        for (KafkaConsumerRecord<String, String> r : records) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1, ""),
                (a, b) -> a.getOffset() >= b.getOffset() ? a : b);
        }
        return offsets;
    }
}
