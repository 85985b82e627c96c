package io.sagaway.gateway;

import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.infra.ServiceEndpoints;
import io.sagaway.stack.StackResolver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static io.sagaway.gateway.PlatformHttp.freePort;
import static io.sagaway.gateway.PlatformHttp.gql;
import static io.sagaway.gateway.PlatformHttp.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Roles split over processes that share a clustered event bus: one process runs the order
 * commands, the relay and the orchestrator; one the participants and the projector; two only a
 * gateway each. Every request below needs a role that no gateway process runs, so each answer
 * crossed the cluster. Alone (no cluster), a gateway-only process answers UNAVAILABLE to all of them.
 */
class ClusteredRolesIT {

    private static final String SECRET = "cluster-test-secret-" + UUID.randomUUID();
    private static final List<Platform> STARTED = new ArrayList<>();
    private static Platform first;
    private static Platform second;
    private static Vertx client;
    private static WebClient web;

    @BeforeAll
    static void start() throws Exception {
        String schema = "it_cluster_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        List<Integer> memberPorts = List.of(freePort(), freePort(), freePort(), freePort());
        String members = String.join(",", memberPorts.stream().map(p -> "127.0.0.1:" + p).toList());
        ServiceEndpoints endpoints = Platform.endpoints(StackResolver.forTests());
        List<String> roles = List.of("order-commands,outbox-relay,order-saga", "payment,inventory,shipping,projector", "gateway", "gateway");
        for (int i = 0; i < roles.size(); i++) {
            Map<String, String> env = new HashMap<>(Map.of(PlatformConfig.PG_SCHEMA, schema, PlatformConfig.TOPIC_PREFIX, schema + ".",
                PlatformConfig.INDEX_PREFIX, schema.replace('_', '-') + "-", PlatformConfig.JWT_SECRET, SECRET,
                PlatformConfig.CLUSTER_MEMBERS, members, PlatformConfig.CLUSTER_NAME, schema,
                PlatformConfig.CLUSTER_PORT, Integer.toString(memberPorts.get(i)), PlatformConfig.INSTANCE_ID, schema + "-" + i));
            Platform platform = new Platform(PlatformConfig.load(env, List.of("--port", Integer.toString(freePort()), "--roles", roles.get(i))),
                endpoints);
            platform.start();
            STARTED.add(platform);
        }
        first = STARTED.get(2);
        second = STARTED.get(3);
        client = Vertx.vertx();
        web = WebClient.create(client);
    }

    @AfterAll
    static void stop() throws Exception {
        if (web != null) {
            web.close();
            client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        for (int i = STARTED.size() - 1; i >= 0; i--) {
            STARTED.get(i).stop();
        }
    }

    @Test
    void anOrderPlacedThroughOneGatewayIsShippedAndSeenThroughTheOther() throws Exception {
        String alice = token(web, first, "alice");
        JsonObject placed = gql(web, first, alice, "mutation { placeOrder(input: {customerId: \"alice\", items: [{sku: \"SKU-4\", "
            + "quantity: 1, unitPrice: \"2.00\"}], shippingAddress: {line1: \"1 Main\", city: \"Seoul\", postalCode: \"04524\", "
            + "country: \"KR\"}, waitFor: COMPLETED}) { orderId order { status } } }");
        assertThat(placed.getJsonArray("errors")).as(placed.encode()).isNull();
        JsonObject payload = placed.getJsonObject("data").getJsonObject("placeOrder");
        assertThat(payload.getJsonObject("order").getString("status")).isEqualTo("SHIPPED");

        String admin = token(web, second, "admin");
        JsonObject seen = gql(web, second, admin, "{ order(id: \"" + payload.getString("orderId") + "\") { status saga { status } } }");
        assertThat(seen.getJsonObject("data").getJsonObject("order").getString("status")).isEqualTo("SHIPPED");
        assertThat(seen.getJsonObject("data").getJsonObject("order").getJsonObject("saga").getString("status")).isEqualTo("COMPLETED");
    }

    @Test
    void operatorActionsAndFiguresAnswerThroughAGatewayThatRunsNoneOfTheirRoles() throws Exception {
        String admin = token(web, second, "admin");
        JsonObject stock = gql(web, second, admin, "mutation { adjustStock(sku: \"SKU-5\", delta: 3) { sku available } }");
        assertThat(stock.getJsonArray("errors")).as(stock.encode()).isNull();
        assertThat(stock.getJsonObject("data").getJsonObject("adjustStock").getString("sku")).isEqualTo("SKU-5");

        gql(web, first, token(web, first, "bob"), "mutation { placeOrder(input: {customerId: \"bob\", items: [{sku: \"SKU-5\", "
            + "quantity: 1, unitPrice: \"2.00\"}], shippingAddress: {line1: \"1 Main\", city: \"Seoul\", postalCode: \"04524\", "
            + "country: \"KR\"}, waitFor: PROJECTED}) { orderId } }");
        // The projectors run elsewhere; their lag reaches this gateway over the event bus.
        JsonObject stats = null;
        for (long deadline = System.currentTimeMillis() + 10_000; System.currentTimeMillis() < deadline; Thread.sleep(200)) {
            stats = gql(web, second, admin, "{ platformStats { projectionLagMs deadLetterCount } }");
            if (stats.getJsonArray("errors") != null || stats.getJsonObject("data").getJsonObject("platformStats").getDouble("projectionLagMs") > 0) {
                break;
            }
        }
        assertThat(stats.getJsonArray("errors")).as(stats.encode()).isNull();
        assertThat(stats.getJsonObject("data").getJsonObject("platformStats").getDouble("projectionLagMs")).isPositive();
    }

    @Test
    void aProcessWithoutAGatewayServesHealthAndItsOwnMetrics() throws Exception {
        for (Platform worker : STARTED.subList(0, 2)) {
            var ready = web.get(worker.httpPort(), "localhost", "/health/ready").send().toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
            assertThat(ready.statusCode()).as(ready.bodyAsString()).isEqualTo(200);
            assertThat(ready.bodyAsJsonObject().getString("outcome")).isEqualTo("UP");
            var metrics = web.get(worker.httpPort(), "localhost", "/metrics").send().toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
            // Its own process's figures (Vert.x's and the JVM's, seen with separate processes; one test JVM shares
            // Micrometer's binders), never a gateway's: no projection lag or saga counts it does not measure.
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(String.valueOf(metrics.bodyAsString())).doesNotContain("sagaway_projection_lag").doesNotContain("sagaway_sagas");
            // No GraphQL there: only a gateway serves the API.
            assertThat(web.post(worker.httpPort(), "localhost", "/graphql").send().toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(404);
        }
    }
}
