package io.sagaway.gateway;

import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.infra.ServiceEndpoints;
import io.sagaway.stack.StackResolver;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.sagaway.gateway.PlatformHttp.freePort;
import static io.sagaway.gateway.PlatformHttp.gql;
import static io.sagaway.gateway.PlatformHttp.token;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two processes' worth of platform on one installation: one runs every role, another only a
 * gateway. An update reaches a subscriber of the second gateway through Kafka, not through the
 * first's event bus; and a gateway whose Elasticsearch is unreachable answers UNAVAILABLE.
 */
class GatewayScaleOutIT {

    private static final String SECRET = "scale-out-test-secret-" + UUID.randomUUID();
    private static Platform full;
    private static Platform gatewayOnly;
    private static Platform blind;
    private static Vertx client;
    private static WebClient web;

    @BeforeAll
    static void start() throws Exception {
        String schema = "it_scale_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Map<String, String> env = new HashMap<>(Map.of(PlatformConfig.PG_SCHEMA, schema, PlatformConfig.TOPIC_PREFIX, schema + ".",
            PlatformConfig.INDEX_PREFIX, schema.replace('_', '-') + "-", PlatformConfig.JWT_SECRET, SECRET));
        ServiceEndpoints endpoints = Platform.endpoints(StackResolver.forTests());
        full = new Platform(PlatformConfig.load(env, List.of("--port", Integer.toString(freePort()))), endpoints);
        full.start();
        gatewayOnly = new Platform(PlatformConfig.load(env, List.of("--port", Integer.toString(freePort()), "--roles", "gateway")), endpoints);
        gatewayOnly.start();
        ServiceEndpoints noElasticsearch = new ServiceEndpoints(endpoints.postgresUri(), endpoints.redisUri(),
            endpoints.kafkaBootstrapServers(), "http://127.0.0.1:" + freePort());
        blind = new Platform(PlatformConfig.load(env, List.of("--port", Integer.toString(freePort()), "--roles", "gateway")), noElasticsearch);
        blind.start();
        client = Vertx.vertx();
        web = WebClient.create(client);
    }

    @AfterAll
    static void stop() throws Exception {
        web.close();
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        blind.stop();
        gatewayOnly.stop();
        full.stop();
    }

    @Test
    void aSubscriberOfAnotherGatewayGetsTheUpdatesThroughKafkaAndTokensWorkAcrossGateways() throws Exception {
        String aliceAtFull = token(web, full, "alice");
        BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
        var ws = client.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("localhost")
                .setPort(gatewayOnly.httpPort()).setURI("/graphql").addSubProtocol("graphql-transport-ws"))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.textMessageHandler(text -> messages.add(new JsonObject(text)));
        // A token of the first gateway opens the second: they share the signing secret.
        ws.writeTextMessage(new JsonObject().put("type", "connection_init")
            .put("payload", new JsonObject().put("Authorization", "Bearer " + aliceAtFull)).encode());
        assertThat(messages.poll(10, TimeUnit.SECONDS).getString("type")).isEqualTo("connection_ack");
        ws.writeTextMessage(new JsonObject().put("id", "1").put("type", "subscribe").put("payload", new JsonObject()
            .put("query", "subscription { orderStatusChanged(customerId: \"alice\") { orderId status version } }")).encode());
        Thread.sleep(500);

        JsonObject placed = gql(web, full, aliceAtFull, "mutation { placeOrder(input: {customerId: \"alice\", items: [{sku: \"SKU-5\", "
            + "quantity: 1, unitPrice: \"3.00\"}], shippingAddress: {line1: \"1 Main\", city: \"Seoul\", postalCode: \"04524\", "
            + "country: \"KR\"}}) { orderId } }");
        String orderId = placed.getJsonObject("data").getJsonObject("placeOrder").getString("orderId");

        List<String> statuses = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (System.currentTimeMillis() < deadline && !statuses.contains("SHIPPED")) {
            JsonObject m = messages.poll(1, TimeUnit.SECONDS);
            if (m != null && "next".equals(m.getString("type"))) {
                JsonObject update = m.getJsonObject("payload").getJsonObject("data").getJsonObject("orderStatusChanged");
                if (orderId.equals(update.getString("orderId"))) {
                    statuses.add(update.getString("status"));
                }
            }
        }
        ws.close();
        assertThat(statuses).containsExactly("PENDING", "PAID", "RESERVED", "SHIPPED");
    }

    @Test
    void aGatewayThatCannotReachElasticsearchAnswersUnavailableForReadModelQueries() throws Exception {
        String admin = token(web, blind, "admin");
        JsonObject orders = gql(web, blind, admin, "{ orders { totalCount } }");
        JsonObject one = gql(web, blind, admin, "{ order(id: \"anything\") { id } }");

        assertThat(orders.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code")).isEqualTo("UNAVAILABLE");
        assertThat(one.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code")).isEqualTo("UNAVAILABLE");
        // The write side does not need Elasticsearch: a STRONG read still answers.
        assertThat(gql(web, blind, admin, "{ order(id: \"anything\", consistency: STRONG) { id } }").getJsonArray("errors")).isNull();
    }
}
