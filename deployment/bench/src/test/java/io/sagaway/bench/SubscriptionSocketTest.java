package io.sagaway.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** One connection carrying several subscriptions, against a minimal graphql-transport-ws server on this machine. */
class SubscriptionSocketTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> CUSTOMERS = List.of("load-c001", "load-c002", "load-c003");

    private Vertx vertx;
    private HttpServer server;
    private final List<JsonObject> received = new CopyOnWriteArrayList<>();
    private volatile ServerWebSocket connection;

    @BeforeEach
    void startServer() {
        vertx = Vertx.vertx();
        // On every subscribe: one update for an order of the customer it names, sent on its id.
        server = Bench.await(vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
            .addWebSocketSubProtocol("graphql-transport-ws")).webSocketHandler(ws -> {
                connection = ws;
                ws.textMessageHandler(text -> {
                    JsonObject message = new JsonObject(text);
                    received.add(message);
                    switch (message.getString("type")) {
                        case "connection_init" -> ws.writeTextMessage(new JsonObject().put("type", "connection_ack").encode());
                        case "subscribe" -> {
                            String customer = message.getJsonObject("payload").getJsonObject("variables").getString("customerId");
                            ws.writeTextMessage(new JsonObject().put("id", message.getString("id")).put("type", "next")
                                .put("payload", new JsonObject().put("data", new JsonObject().put("orderStatusChanged",
                                    new JsonObject().put("orderId", "order-of-" + customer).put("status", "SHIPPED")))).encode());
                        }
                        default -> {
                        }
                    }
                });
            }).listen(), TIMEOUT);
    }

    @AfterEach
    void stop() {
        Bench.await(vertx.close(), TIMEOUT);
    }

    @Test
    void eachSubscriptionOnOneConnectionGetsItsOwnUpdatesAndEndsWhenTheConnectionCloses() throws InterruptedException {
        SubscriptionSocket socket = Bench.await(SubscriptionSocket.open(vertx, URI.create("http://127.0.0.1:" + server.actualPort()),
            "operator-token", TIMEOUT), TIMEOUT);
        Map<String, String> updates = new ConcurrentHashMap<>();
        Map<String, String> ends = new ConcurrentHashMap<>();
        CountDownLatch delivered = new CountDownLatch(CUSTOMERS.size());
        CountDownLatch ended = new CountDownLatch(CUSTOMERS.size());
        for (String customer : CUSTOMERS) {
            Bench.await(socket.subscribe(customer, "subscription { orderStatusChanged(customerId: $customerId) { orderId } }",
                new JsonObject().put("customerId", customer), payload -> {
                    updates.put(customer, payload.getJsonObject("data").getJsonObject("orderStatusChanged").getString("orderId"));
                    delivered.countDown();
                }, why -> {
                    ends.put(customer, why);
                    ended.countDown();
                }), TIMEOUT);
        }

        assertThat(delivered.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(updates).containsExactlyInAnyOrderEntriesOf(Map.of("load-c001", "order-of-load-c001", "load-c002", "order-of-load-c002",
            "load-c003", "order-of-load-c003"));
        assertThat(received.getFirst().getString("type")).isEqualTo("connection_init");
        assertThat(received.getFirst().getJsonObject("payload").getString("Authorization")).isEqualTo("Bearer operator-token");
        assertThat(received.stream().filter(m -> "subscribe".equals(m.getString("type"))).map(m -> m.getString("id")))
            .containsExactlyElementsOf(CUSTOMERS);

        Bench.await(connection.close(), TIMEOUT);
        assertThat(ended.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(ends).containsOnlyKeys(CUSTOMERS).allSatisfy((customer, why) -> assertThat(why).isEqualTo("the connection closed"));
    }
}
