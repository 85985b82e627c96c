package io.sagaway.gateway;

import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.infra.ServiceEndpoints;
import io.sagaway.messaging.TopicNames;
import io.sagaway.stack.StackResolver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin UI in a real browser: the platform runs here on the real services, with the UI the
 * gateway serves at /admin/, and the Playwright tests of admin-ui/e2e drive Debian's Chromium
 * against it. Screenshots of each main view land in admin-ui/target/e2e-screenshots.
 */
class AdminUiBrowserIT {

    private static Platform platform;
    private static ServiceEndpoints endpoints;
    private static TopicNames topics;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        String schema = "it_ui_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        endpoints = Platform.endpoints(StackResolver.forTests());
        topics = new TopicNames(schema + ".");
        platform = new Platform(PlatformConfig.load(Map.of(PlatformConfig.PG_SCHEMA, schema, PlatformConfig.TOPIC_PREFIX, schema + ".",
            PlatformConfig.INDEX_PREFIX, schema.replace('_', '-') + "-"), List.of("--port", Integer.toString(port))), endpoints);
        platform.start();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.stop();
        }
    }

    @Test
    void operatorConsolePassesItsBrowserTests() throws Exception {
        String poisonKey = "e2e-poison-" + UUID.randomUUID();
        seedDeadLetter(poisonKey);
        BrowserTests.run("console.e2e.ts", port, Map.of("SAGAWAY_E2E_DEAD_LETTER_KEY", poisonKey));
    }

    /** A message no consumer can read: it is retried, then set aside as a dead letter for the browser test to redrive. */
    private static void seedDeadLetter(String key) throws Exception {
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", endpoints.kafkaBootstrapServers()),
            new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topics.paymentReplies(), key, "this is not JSON")).get(30, TimeUnit.SECONDS);
        }
        Vertx vertx = Vertx.vertx();
        WebClient web = WebClient.create(vertx);
        try {
            String admin = web.post(port, "localhost", "/auth/token").sendJsonObject(new JsonObject().put("username", "admin")
                .put("password", "admin")).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).bodyAsJsonObject().getString("token");
            long deadline = System.currentTimeMillis() + 60_000;
            boolean found = false;
            while (!found && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
                JsonObject letters = web.post(port, "localhost", "/graphql").putHeader("Authorization", "Bearer " + admin)
                    .sendJsonObject(new JsonObject().put("query", "{ deadLetters(first: 100) { edges { node { key } } } }"))
                    .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).bodyAsJsonObject();
                found = letters.encode().contains(key);
            }
            assertThat(found).as("the poison message became a dead letter").isTrue();
        } finally {
            web.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }
}
