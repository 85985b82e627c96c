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
import java.nio.file.Files;
import java.nio.file.Path;
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

    private static final Path ADMIN_UI = Path.of("..", "admin-ui").toAbsolutePath().normalize();
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("SAGAWAY_CHROMIUM", "/usr/bin/chromium"));

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
        assertThat(CHROMIUM).as("Debian's chromium (./test.sh installs it with apt)").isExecutable();
        assertThat(ADMIN_UI.resolve("node_modules/playwright-core")).as("the admin UI's npm packages (npm ci)").isDirectory();
        String poisonKey = "e2e-poison-" + UUID.randomUUID();
        seedDeadLetter(poisonKey);

        Path log = Files.createTempFile("admin-ui-e2e", ".log");
        ProcessBuilder builder = new ProcessBuilder("npm", "run", "e2e").directory(ADMIN_UI.toFile());
        builder.environment().putAll(Map.of("SAGAWAY_URL", "http://localhost:" + port, "SAGAWAY_CHROMIUM", CHROMIUM.toString(),
            "SAGAWAY_E2E_DEAD_LETTER_KEY", poisonKey, "SAGAWAY_SCREENSHOTS", ADMIN_UI.resolve("target/e2e-screenshots").toString()));
        Process npm = builder
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        npm.getOutputStream().close();
        boolean finished = npm.waitFor(8, TimeUnit.MINUTES);
        String output = Files.readString(log);
        System.out.println(output);
        if (!finished) {
            npm.descendants().forEach(ProcessHandle::destroyForcibly);
            npm.destroyForcibly();
        }
        assertThat(finished).as("the browser tests finish within 8 minutes").isTrue();
        assertThat(npm.exitValue()).as("browser tests:\n" + output).isZero();
        assertThat(output).contains("passed").doesNotContain("skipped");
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
