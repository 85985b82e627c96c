package io.sagaway.gateway;

import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.infra.InfraClients;
import io.sagaway.infra.ServiceEndpoints;
import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.Topics;
import io.sagaway.order.command.CommandResult;
import io.sagaway.order.command.OrderCommandClient;
import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.order.domain.OrderStatus;
import io.sagaway.stack.StackResolver;
import io.vertx.sqlclient.Tuple;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole write path as deployed by the platform: command over the event bus → event store + outbox → relay → Kafka. */
class WritePathIT {

    private static Platform platform;
    private static ServiceEndpoints endpoints;
    private static String schema;

    @BeforeAll
    static void start() throws Exception {
        endpoints = Platform.endpoints(StackResolver.forTests());
        schema = "it_platform_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // A schema, topics and indices of its own: this platform shares the services with other tests.
        platform = new Platform(PlatformConfig.load(Map.of(PlatformConfig.PG_SCHEMA, schema,
            PlatformConfig.TOPIC_PREFIX, schema + ".", PlatformConfig.INDEX_PREFIX, schema.replace('_', '-') + "-"),
            List.of("--port", Integer.toString(port))), endpoints);
        platform.start();
    }

    @AfterAll
    static void stop() {
        platform.stop();
    }

    @Test
    void aPlacedOrderIsStoredAndItsEventReachesTheOrderEventsTopicKeyedByOrderId() throws Exception {
        OrderCommandClient client = new OrderCommandClient(platform.vertx().eventBus(), Duration.ofSeconds(10));
        CommandResult placed = client.placeOrder(new OrderCommand.PlaceOrder(null, "alice",
                    List.of(new OrderItem("SKU-1", 2, new BigDecimal("10.00"))), new Address("1 Main", "Seoul", "04524", "KR"), "KRW"),
                null, "request-1")
            .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);

        assertThat(placed.status()).isEqualTo(OrderStatus.PENDING);
        Envelope published = awaitOnTopic(placed.orderId());
        assertThat(published.type()).isEqualTo("OrderPlaced");
        assertThat(published.version()).isEqualTo(1);
        assertThat(published.correlationId()).isEqualTo("request-1");
        assertThat(published.payload().getString("totalAmount")).isEqualTo("20.00");
    }

    @Test
    void withTheDemoDataAnOrderOfAliceShipsThroughTheWholeSaga() throws Exception {
        OrderCommandClient client = new OrderCommandClient(platform.vertx().eventBus(), Duration.ofSeconds(10));
        CommandResult placed = client.placeOrder(new OrderCommand.PlaceOrder(null, "alice",
                    List.of(new OrderItem("SKU-3", 1, new BigDecimal("1000"))), new Address("1 Main", "Seoul", "04524", "KR"), "KRW"),
                null, "request-2")
            .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);

        Instant deadline = Instant.now().plusSeconds(30);
        String lastEvent = null;
        while (Instant.now().isBefore(deadline) && !"OrderShipped".equals(lastEvent)) {
            lastEvent = lastEventOf(placed.orderId());
            Thread.sleep(200);
        }
        assertThat(lastEvent).isEqualTo("OrderShipped");
    }

    private static String lastEventOf(String orderId) throws Exception {
        var pool = InfraClients.postgres(platform.vertx(), endpoints.postgresUri(), schema, 1);
        try {
            var rows = pool.preparedQuery("SELECT event_type FROM events WHERE aggregate_id = $1 ORDER BY version DESC LIMIT 1")
                .execute(Tuple.of(orderId)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            return rows.size() == 0 ? null : rows.iterator().next().getString(0);
        } finally {
            pool.close();
        }
    }

    private static Envelope awaitOnTopic(String orderId) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
            "bootstrap.servers", endpoints.kafkaBootstrapServers(),
            "group.id", "it-" + UUID.randomUUID(),
            "auto.offset.reset", "earliest",
            "enable.auto.commit", "false"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(schema + "." + Topics.ORDER_EVENTS));
            Instant deadline = Instant.now().plusSeconds(30);
            List<String> keys = new ArrayList<>();
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(300))) {
                    keys.add(record.key());
                    if (orderId.equals(record.key())) {
                        return Envelope.fromJson(record.value());
                    }
                }
            }
            throw new AssertionError("order " + orderId + " not on " + Topics.ORDER_EVENTS + " within 30 s; saw " + keys.size() + " others");
        }
    }
}
