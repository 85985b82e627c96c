package io.sagaway.testing;

import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.infra.InfraClients;
import io.sagaway.infra.ServiceEndpoints;
import io.sagaway.messaging.DeadLetterVerticle;
import io.sagaway.messaging.TopicNames;
import io.sagaway.messaging.TopicSetup;
import io.sagaway.order.command.CommandResult;
import io.sagaway.order.command.OrderCommandClient;
import io.sagaway.order.command.OrderCommandVerticle;
import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.outbox.OutboxRelayVerticle;
import io.sagaway.participant.DemoData;
import io.sagaway.participant.ParticipantVerticle;
import io.sagaway.participant.inventory.InventoryParticipant;
import io.sagaway.participant.payment.PaymentParticipant;
import io.sagaway.participant.shipping.ShippingParticipant;
import io.sagaway.readmodel.ProjectorVerticle;
import io.sagaway.readmodel.ReadModelVerticle;
import io.sagaway.saga.OrderSagaVerticle;
import io.sagaway.saga.SagaStore;
import io.sagaway.saga.domain.SagaPolicy;
import io.sagaway.saga.domain.SagaState;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The whole write side and saga, deployed as the platform deploys them, against the real
 * services, in a schema and under topic names of the test's own.
 */
public final class SagaFixture implements AutoCloseable {

    /** The deployable parts, so tests can stop and start them. */
    public enum Part { ORDER_COMMANDS, RELAY, SAGA, PAYMENT, INVENTORY, SHIPPING, DEAD_LETTERS, PROJECTOR, READ_MODEL }

    /** The write side and the saga: what most tests need. */
    public static final Set<Part> WRITE_SIDE = EnumSet.range(Part.ORDER_COMMANDS, Part.DEAD_LETTERS);

    public static final Address SEOUL = new Address("1 Sejong-daero", "Seoul", "04524", "KR");

    private final Vertx vertx;
    private final TestSchema schema;
    private final TopicNames topics;
    private final ServiceEndpoints endpoints;
    private final SagaPolicy policy;
    private final Map<Part, String> deployments = new EnumMap<>(Part.class);
    private final OrderCommandClient orders;
    private String elasticsearchUrl;

    private SagaFixture(SagaPolicy policy) {
        this.vertx = Vertx.vertx();
        this.schema = TestSchema.create(vertx, "it_saga");
        this.topics = new TopicNames("it-" + schema.name() + ".");
        this.endpoints = TestServices.endpoints();
        this.policy = policy;
        this.orders = new OrderCommandClient(vertx.eventBus(), Duration.ofSeconds(20));
        this.elasticsearchUrl = endpoints.elasticsearchUrl();
    }

    public static SagaFixture start(SagaPolicy policy) {
        return start(policy, WRITE_SIDE, null);
    }

    /** Deploys {@code parts}; the read side writes to {@code elasticsearchUrl} (null: the shared one). */
    public static SagaFixture start(SagaPolicy policy, Set<Part> parts, String elasticsearchUrl) {
        SagaFixture fixture = new SagaFixture(policy);
        if (elasticsearchUrl != null) {
            fixture.elasticsearchUrl = elasticsearchUrl;
        }
        Await.result(TopicSetup.ensure(fixture.vertx, fixture.endpoints.kafkaBootstrapServers(), fixture.topics.all(), 4, (short) 1));
        Await.result(DemoData.loadOnce(fixture.schema.pool()));
        for (Part part : parts) {
            fixture.deploy(part);
        }
        return fixture;
    }

    /** The prefix of this fixture's Elasticsearch indices. */
    public String indexPrefix() {
        return "it-" + schema.name().replace('_', '-') + "-";
    }

    public String elasticsearchUrl() {
        return elasticsearchUrl;
    }

    public void deploy(Part part) {
        deployments.put(part, Await.result(vertx.deployVerticle(create(part))));
    }

    public void undeploy(Part part) {
        Await.result(vertx.undeploy(deployments.remove(part)));
    }

    private Deployable create(Part part) {
        String pg = schema.postgresUri();
        String name = schema.name();
        ParticipantVerticle.Settings participant = new ParticipantVerticle.Settings(pg, name, 4, endpoints.redisUri(),
            endpoints.kafkaBootstrapServers(), 3, Duration.ofMillis(100));
        return switch (part) {
            case ORDER_COMMANDS -> new OrderCommandVerticle(new OrderCommandVerticle.Settings(pg, name, 4, topics.orderEvents(), 50));
            case RELAY -> new OutboxRelayVerticle(new OutboxRelayVerticle.Settings(pg, name, endpoints.kafkaBootstrapServers(), 256,
                Duration.ofMillis(200), Duration.ofHours(1)));
            case SAGA -> new OrderSagaVerticle(new OrderSagaVerticle.Settings(topics, pg, name, 4, endpoints.redisUri(),
                endpoints.kafkaBootstrapServers(), policy, Duration.ofMillis(100), 3, Duration.ofMillis(100), 50));
            case PAYMENT -> new ParticipantVerticle(new PaymentParticipant(topics), participant);
            case INVENTORY -> new ParticipantVerticle(new InventoryParticipant(topics), participant);
            case SHIPPING -> new ParticipantVerticle(new ShippingParticipant(topics, ShippingParticipant.DEFAULT_COUNTRIES), participant);
            case DEAD_LETTERS -> new DeadLetterVerticle(new DeadLetterVerticle.Settings(pg, name, endpoints.kafkaBootstrapServers()));
            case PROJECTOR -> new ProjectorVerticle(new ProjectorVerticle.Settings(topics,
                indexPrefix(), pg, name, elasticsearchUrl, endpoints.kafkaBootstrapServers()));
            case READ_MODEL -> new ReadModelVerticle(new ReadModelVerticle.Settings(
                indexPrefix(), pg, name, elasticsearchUrl, topics.orderEvents(), Duration.ofSeconds(1)));
        };
    }

    private void deleteIndices() {
        try {
            HttpClient http = HttpClient.newHttpClient();
            http.send(HttpRequest.newBuilder(URI.create(elasticsearchUrl + "/" + indexPrefix() + "*"))
                .DELETE().build(), HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            // Elasticsearch may be gone already (an outage test); the indices are the test's own.
        }
    }

    public Vertx vertx() {
        return vertx;
    }

    public TestSchema schema() {
        return schema;
    }

    public TopicNames topics() {
        return topics;
    }

    public ServiceEndpoints endpoints() {
        return endpoints;
    }

    public OrderCommandClient orders() {
        return orders;
    }

    public String placeOrder(String customer, Address address, OrderItem... items) {
        CommandResult placed = Await.result(orders.placeOrder(new OrderCommand.PlaceOrder(null, customer, List.of(items), address, "KRW"),
            null, "test"));
        return placed.orderId();
    }

    public Future<CommandResult> cancel(String orderId) {
        return orders.execute(orderId, new OrderCommand.CancelOrder("changed my mind"), new MessageMetadata(orderId, "test-cancel"));
    }

    public Optional<SagaState> saga(String orderId) {
        return Await.result(new SagaStore().getByOrder(schema.pool(), orderId));
    }

    /** Waits until the order's saga satisfies {@code done}. */
    public SagaState awaitSaga(String orderId, Predicate<SagaState> done, Duration timeout) {
        return awaitValue(() -> saga(orderId).filter(done).orElse(null), timeout, "saga of order " + orderId
            + " (last seen: " + saga(orderId).map(s -> s.status() + " " + s.steps()).orElse("none") + ")");
    }

    public SagaState awaitFinished(String orderId) {
        return awaitSaga(orderId, s -> s.status().isFinished(), Duration.ofSeconds(60));
    }

    public JsonObject orderRow(String orderId) {
        Row row = Await.result(schema.pool().preparedQuery("""
                SELECT max(version) AS version, (array_agg(event_type ORDER BY version DESC))[1] AS last_event
                FROM events WHERE aggregate_id = $1""").execute(Tuple.of(orderId))).iterator().next();
        return new JsonObject().put("version", row.getInteger("version")).put("lastEvent", row.getString("last_event"));
    }

    public BigDecimal balance(String customer) {
        var rows = Await.result(schema.pool().preparedQuery("SELECT balance FROM payment_accounts WHERE customer_id = $1")
            .execute(Tuple.of(customer)));
        return rows.size() == 0 ? null : rows.iterator().next().getBigDecimal(0);
    }

    public void credit(String customer, String amount) {
        Await.result(schema.pool().preparedQuery("""
                INSERT INTO payment_accounts (customer_id, balance, currency) VALUES ($1, $2, 'KRW')
                ON CONFLICT (customer_id) DO UPDATE SET balance = payment_accounts.balance + EXCLUDED.balance""")
            .execute(Tuple.of(customer, new BigDecimal(amount))));
    }

    /** A customer of the test's own with {@code balance} on their account. */
    public String newCustomer(String balance) {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 8);
        credit(id, balance);
        return id;
    }

    /** A SKU of the test's own with {@code available} units. */
    public String newSku(int available) {
        String sku = "SKU-" + UUID.randomUUID().toString().substring(0, 8);
        setStock(sku, available);
        return sku;
    }

    /** {available, reserved} of a SKU. */
    public int[] stock(String sku) {
        Row row = Await.result(schema.pool().preparedQuery("SELECT available, reserved FROM inventory_stock WHERE sku = $1")
            .execute(Tuple.of(sku))).iterator().next();
        return new int[] {row.getInteger(0), row.getInteger(1)};
    }

    public void setStock(String sku, int available) {
        Await.result(schema.pool().preparedQuery("""
                INSERT INTO inventory_stock (sku, available, reserved) VALUES ($1, $2, 0)
                ON CONFLICT (sku) DO UPDATE SET available = EXCLUDED.available, reserved = 0""")
            .execute(Tuple.of(sku, available)));
    }

    /** Whether a part is deployed right now. */
    public boolean isDeployed(Part part) {
        return deployments.containsKey(part);
    }

    /** Every record on this fixture's topics whose key is one of {@code keys}, from the beginning. */
    public List<ConsumerRecord<String, String>> recordsOf(Set<String> keys) {
        try (var consumer = new KafkaConsumer<String, String>(Map.of(
                "bootstrap.servers", endpoints.kafkaBootstrapServers(), "enable.auto.commit", "false"),
            new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics.all()) {
                consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            Instant deadline = Instant.now().plusSeconds(30);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (keys.contains(r.key())) {
                        found.add(r);
                    }
                });
            }
            return found;
        }
    }

    /** Publishes each record again, as a broker redelivery or a producer retry would. */
    public void redeliver(List<ConsumerRecord<String, String>> records) {
        try (var producer = new KafkaProducer<String, String>(Map.of(
                "bootstrap.servers", endpoints.kafkaBootstrapServers()),
            new StringSerializer(), new StringSerializer())) {
            for (var r : records) {
                producer.send(new ProducerRecord<>(r.topic(), null, r.key(), r.value(), r.headers()));
            }
            producer.flush();
        }
    }

    /** Sends a raw record to one of this fixture's topics. */
    public void publish(String topic, String key, String value) {
        redeliver(List.of(new ConsumerRecord<>(topic, 0, 0, key, value)));
    }

    /** Waits until every consumer group of this fixture has consumed everything on its topics. */
    public void awaitNoLag(Duration timeout) {
        List<String> groups = new ArrayList<>(List.of("order-saga", "payment", "inventory", "shipping"));
        if (deployments.containsKey(Part.PROJECTOR)) {
            groups.addAll(List.of("order-projector", "saga-projector"));
        }
        groups.replaceAll(topics::consumer);
        try (var admin = Admin.create(Map.of("bootstrap.servers", endpoints.kafkaBootstrapServers()))) {
            awaitValue(() -> {
                try {
                    for (String group : groups) {
                        var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                        var latest = admin.listOffsets(committed.keySet().stream().collect(Collectors.toMap(
                            tp -> tp, tp -> OffsetSpec.latest()))).all().get();
                        for (var e : committed.entrySet()) {
                            if (e.getValue() == null || e.getValue().offset() < latest.get(e.getKey()).offset()) {
                                return null;
                            }
                        }
                    }
                    return Boolean.TRUE;
                } catch (Exception e) {
                    return null;
                }
            }, timeout, "consumer groups caught up");
        }
        // Replies written by the last records still have to travel through the outbox once.
        awaitValue(() -> schema.count("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0 ? Boolean.TRUE : null,
            timeout, "outbox drained");
    }

    public static <T> T awaitValue(Supplier<T> probe, Duration timeout, String what) {
        Instant deadline = Instant.now().plus(timeout);
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("not reached within " + timeout + ": " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    @Override
    public void close() {
        for (Part part : List.copyOf(deployments.keySet())) {
            undeploy(part);
        }
        KafkaAdminClient admin = KafkaAdminClient.create(vertx, InfraClients.kafkaAdminConfig(endpoints.kafkaBootstrapServers()));
        List<String> all = new ArrayList<>(topics.all());
        topics.all().forEach(t -> all.add(t + ".DLT"));
        Await.result(admin.deleteTopics(all).otherwiseEmpty().eventually(admin::close));
        deleteIndices();
        schema.close();
        Await.result(vertx.close());
    }
}
