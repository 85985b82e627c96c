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
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stuck sagas explained, on the real services: a platform runs without its inventory participant,
 * so its sagas wait on INVENTORY; one order's message is parked in dead letters. The API, the
 * metrics and the admin console (in Chromium) name each reason; once an inventory participant
 * runs, the sagas move on and are stuck no more.
 */
class StuckSagasIT {

    private static final String ADDRESS = "{line1: \"1 Sejong-daero\", city: \"Seoul\", postalCode: \"04524\", country: \"KR\"}";
    private static final String WITHOUT_INVENTORY = "gateway,order-commands,outbox-relay,order-saga,payment,shipping,projector";

    private static Platform platform;
    private static Platform inventory;
    private static ServiceEndpoints endpoints;
    private static String schema;
    private static TopicNames topics;
    private static int port;
    private static Vertx vertx;
    private static WebClient web;

    @BeforeAll
    static void start() throws Exception {
        schema = "it_stuck_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        topics = new TopicNames(schema + ".");
        port = freePort();
        endpoints = Platform.endpoints(StackResolver.forTests());
        platform = new Platform(config(WITHOUT_INVENTORY, port), endpoints);
        platform.start();
        vertx = Vertx.vertx();
        web = WebClient.create(vertx);
    }

    private static PlatformConfig config(String roles, int httpPort) {
        return PlatformConfig.load(Map.of(PlatformConfig.PG_SCHEMA, schema, PlatformConfig.TOPIC_PREFIX, schema + ".",
            PlatformConfig.INDEX_PREFIX, schema.replace('_', '-') + "-", PlatformConfig.ROLES, roles),
            List.of("--port", Integer.toString(httpPort)));
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (inventory != null) {
            inventory.stop();
        }
        if (platform != null) {
            platform.stop();
        }
        if (vertx != null) {
            web.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aStoppedParticipantAndAParkedMessageAreNamedByTheApiTheMetricsAndTheConsoleUntilTheSagasMoveOn() throws Exception {
        String alice = token("alice");
        String admin = token("admin");
        String waiting = place(alice);
        String parked = place(alice);
        // A reply for the second order that no one can read: the orchestrator sets it aside at once.
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", endpoints.kafkaBootstrapServers()),
            new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topics.inventoryReplies(), parked, "this is not JSON")).get(30, TimeUnit.SECONDS);
        }

        JsonObject stuck = awaitStuck(admin, s -> reasonOf(s, waiting).filter("WAITING_ON_PARTICIPANT"::equals).isPresent()
            && reasonOf(s, parked).filter("PARKED_IN_DEAD_LETTERS"::equals).isPresent());
        JsonObject waitingSaga = sagaOf(stuck, waiting).orElseThrow();
        Matcher explained = Pattern.compile("^waiting on INVENTORY for (\\d+) s.*: no " + Pattern.quote(schema + ".inventory")
            + " consumer is running; its ReserveStock waits on " + Pattern.quote(schema + ".inventory.requests") + "\\[\\d+\\] at offset \\d+$")
            .matcher(waitingSaga.getString("explanation"));
        assertThat(explained.matches()).as(waitingSaga.getString("explanation")).isTrue();
        assertThat(Integer.parseInt(explained.group(1))).isGreaterThanOrEqualTo(2);
        assertThat(waitingSaga.getString("step")).isEqualTo("INVENTORY");
        assertThat(waitingSaga.getString("action")).isEqualTo("CANCEL");
        assertThat(waitingSaga.getString("consumer")).isEqualTo(schema + ".inventory");
        assertThat(waitingSaga.getInteger("lag")).isPositive();

        JsonObject parkedSaga = sagaOf(stuck, parked).orElseThrow();
        assertThat(parkedSaga.getString("explanation")).startsWith("its unreadable message is parked in dead letters by " + schema + ".order-saga");
        assertThat(parkedSaga.getString("action")).isEqualTo("REDRIVE");
        assertThat(parkedSaga.getString("deadLetterId")).isNotBlank();
        assertThat(stuck.getJsonArray("byReason").stream().map(r -> (JsonObject) r)
            .filter(r -> "PARKED_IN_DEAD_LETTERS".equals(r.getString("reason"))).findFirst().orElseThrow().getInteger("count")).isEqualTo(1);
        assertThat(code(gql(alice, "{ stuckSagas { totalCount } }"))).isEqualTo("FORBIDDEN");
        assertThat(code(gql(admin, "{ stuckSagas(stalledForSeconds: -1) { totalCount } }"))).isEqualTo("BAD_USER_INPUT");

        // /metrics counts them by reason (refreshed every 15 s).
        long deadline = System.currentTimeMillis() + 40_000;
        String metrics = "";
        while (System.currentTimeMillis() < deadline && !metrics.contains("sagaway_stuck_sagas{reason=\"PARKED_IN_DEAD_LETTERS\"} 1.0")) {
            Thread.sleep(1_000);
            metrics = web.get(port, "localhost", "/metrics").send().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
                .bodyAsString();
        }
        assertThat(metrics).contains("sagaway_stuck_sagas{reason=\"PARKED_IN_DEAD_LETTERS\"} 1.0")
            .containsPattern("sagaway_stuck_sagas\\{reason=\"WAITING_ON_PARTICIPANT\"} [1-9]");

        BrowserTests.run("stuck.e2e.ts", port, Map.of("SAGAWAY_E2E_WAITING_ORDER", waiting, "SAGAWAY_E2E_PARKED_ORDER", parked));

        // An inventory participant starts: both sagas move on and complete, and nothing is stuck any more.
        inventory = new Platform(config("inventory", freePort()), endpoints);
        inventory.start();
        awaitStuck(admin, s -> sagaOf(s, waiting).isEmpty() && sagaOf(s, parked).isEmpty());
        for (String orderId : List.of(waiting, parked)) {
            long until = System.currentTimeMillis() + 30_000;
            String status = null;
            while (System.currentTimeMillis() < until && !"COMPLETED".equals(status)) {
                Thread.sleep(300);
                JsonObject saga = gql(admin, "{ sagaForOrder(orderId: \"" + orderId + "\") { status } }").getJsonObject("data")
                    .getJsonObject("sagaForOrder");
                status = saga == null ? null : saga.getString("status");
            }
            assertThat(status).as("the saga of " + orderId).isEqualTo("COMPLETED");
        }
    }

    private static JsonObject awaitStuck(String admin, Predicate<JsonObject> until) throws Exception {
        long deadline = System.currentTimeMillis() + 60_000;
        JsonObject stuck = null;
        while (System.currentTimeMillis() < deadline) {
            JsonObject r = gql(admin, "{ stuckSagas(stalledForSeconds: 2) { totalCount byReason { reason count } sagas { sagaId orderId "
                + "status step reason explanation waitingSeconds attempt consumer topic partition lag deadLetterId action } } }");
            assertThat(r.getJsonArray("errors")).as(r.encode()).isNull();
            stuck = r.getJsonObject("data").getJsonObject("stuckSagas");
            if (until.test(stuck)) {
                return stuck;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("stuck sagas never as expected: " + stuck);
    }

    private static Optional<JsonObject> sagaOf(JsonObject stuck, String orderId) {
        return stuck.getJsonArray("sagas").stream().map(s -> (JsonObject) s).filter(s -> orderId.equals(s.getString("orderId"))).findFirst();
    }

    private static Optional<String> reasonOf(JsonObject stuck, String orderId) {
        return sagaOf(stuck, orderId).map(s -> s.getString("reason"));
    }

    private static String place(String token) throws Exception {
        JsonObject r = gql(token, "mutation { placeOrder(input: {customerId: \"alice\", items: [{sku: \"SKU-3\", quantity: 1, "
            + "unitPrice: \"5.00\"}], shippingAddress: " + ADDRESS + "}) { orderId } }");
        assertThat(r.getJsonArray("errors")).as(r.encode()).isNull();
        return r.getJsonObject("data").getJsonObject("placeOrder").getString("orderId");
    }

    private static String token(String user) throws Exception {
        return web.post(port, "localhost", "/auth/token").sendJsonObject(new JsonObject().put("username", user).put("password", user))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).bodyAsJsonObject().getString("token");
    }

    private static JsonObject gql(String token, String query) throws Exception {
        return web.post(port, "localhost", "/graphql").putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(new JsonObject().put("query", query)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
            .bodyAsJsonObject();
    }

    private static String code(JsonObject response) {
        return response.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code");
    }
}
