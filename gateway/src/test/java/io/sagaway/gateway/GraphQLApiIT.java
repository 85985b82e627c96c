package io.sagaway.gateway;

import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.stack.StackResolver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The GraphQL API over HTTP, as a client sees it, against the whole platform on the real services. */
class GraphQLApiIT {

    private static final String ADDRESS = "{line1: \"1 Sejong-daero\", city: \"Seoul\", postalCode: \"04524\", country: \"KR\"}";

    private static Platform platform;
    private static Vertx client;
    private static WebClient web;
    private static int port;
    private static String indexPrefix;

    @BeforeAll
    static void start() throws Exception {
        String schema = "it_gql_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        indexPrefix = schema.replace('_', '-') + "-";
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        platform = new Platform(PlatformConfig.load(Map.of(PlatformConfig.PG_SCHEMA, schema, PlatformConfig.TOPIC_PREFIX, schema + ".",
            PlatformConfig.INDEX_PREFIX, indexPrefix, PlatformConfig.GRAPHQL_MAX_DEPTH, "8",
            PlatformConfig.MAX_REQUEST_BYTES, "8192", PlatformConfig.HTTP_SEND_BUFFER_BYTES, "65536"), List.of("--port", Integer.toString(port))),
            Platform.endpoints(StackResolver.forTests()));
        platform.start();
        client = Vertx.vertx();
        web = WebClient.create(client);
    }

    @AfterAll
    static void stop() throws Exception {
        web.close();
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        platform.stop();
    }

    private static String token(String user) throws Exception {
        HttpResponse<Buffer> r = web.post(port, "localhost", "/auth/token")
            .sendJsonObject(new JsonObject().put("username", user).put("password", user)).toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.bodyAsJsonObject().getLong("expiresIn")).isPositive();
        return r.bodyAsJsonObject().getString("token");
    }

    private static HttpResponse<Buffer> post(String token, String query) throws Exception {
        var request = web.post(port, "localhost", "/graphql");
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        return request.sendJsonObject(new JsonObject().put("query", query)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }

    private static JsonObject gql(String token, String query) throws Exception {
        return post(token, query).bodyAsJsonObject();
    }

    private static String code(JsonObject response) {
        return response.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code");
    }

    /** A graphql-transport-ws connection, initialised with the token; every message it receives goes to {@code messages}. */
    private static WebSocket subscriptionSocket(String token, BlockingQueue<JsonObject> messages)
        throws Exception {
        var ws = client.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("localhost").setPort(port)
                .setURI("/graphql").addSubProtocol("graphql-transport-ws"))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.textMessageHandler(text -> messages.add(new JsonObject(text)));
        ws.writeTextMessage(new JsonObject().put("type", "connection_init")
            .put("payload", new JsonObject().put("Authorization", "Bearer " + token)).encode());
        assertThat(messages.poll(10, TimeUnit.SECONDS).getString("type")).isEqualTo("connection_ack");
        return ws;
    }

    private static String placeAndComplete(String token, String customer) throws Exception {
        JsonObject r = gql(token, "mutation { placeOrder(input: {customerId: \"" + customer + "\", items: [{sku: \"SKU-1\", quantity: 1, "
            + "unitPrice: \"10.50\"}], shippingAddress: " + ADDRESS + ", waitFor: COMPLETED}) { orderId status version "
            + "order { id status totalAmount trackingNumber saga { status steps { name status } } } } }");
        assertThat(r.getJsonArray("errors")).as(r.encode()).isNull();
        return r.getJsonObject("data").getJsonObject("placeOrder").getString("orderId");
    }

    @Test
    void withoutATokenEveryOperationIsUnauthenticatedAndAWrongPasswordGetsNoToken() throws Exception {
        HttpResponse<Buffer> r = post(null, "{ orders { totalCount } }");
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(code(r.bodyAsJsonObject())).isEqualTo("UNAUTHENTICATED");
        assertThat(code(gql("not-a-token", "{ orders { totalCount } }"))).isEqualTo("UNAUTHENTICATED");
        var wrong = web.post(port, "localhost", "/auth/token").sendJsonObject(new JsonObject().put("username", "alice").put("password", "x"))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(wrong.statusCode()).isEqualTo(401);
    }

    @Test
    void aCustomerPlacesAnOrderThatShipsAndReadsItEventuallyStronglyAndAtEachVersion() throws Exception {
        String alice = token("alice");
        JsonObject placed = gql(alice, "mutation { placeOrder(input: {customerId: \"alice\", items: [{sku: \"SKU-2\", quantity: 2, "
            + "unitPrice: \"49.90\"}], shippingAddress: " + ADDRESS + ", waitFor: COMPLETED}) { orderId status version "
            + "order { status totalAmount trackingNumber saga { status steps { name status } timeline { type step } } } } }")
            .getJsonObject("data").getJsonObject("placeOrder");
        String id = placed.getString("orderId");

        assertThat(placed.getString("status")).isEqualTo("SHIPPED");
        assertThat(placed.getJsonObject("order").getString("totalAmount")).isEqualTo("99.80");
        assertThat(placed.getJsonObject("order").getString("trackingNumber")).startsWith("KR");
        assertThat(placed.getJsonObject("order").getJsonObject("saga").getString("status")).isEqualTo("COMPLETED");

        JsonObject reads = gql(alice, "{ eventual: order(id: \"" + id + "\") { status version } strong: order(id: \"" + id
            + "\", consistency: STRONG) { status version } events: orderEvents(id: \"" + id + "\") { version type } "
            + "paid: orderAtVersion(id: \"" + id + "\", version: 2) { status version } account(customerId: \"alice\") { balance } }")
            .getJsonObject("data");
        assertThat(reads.getJsonObject("eventual")).isEqualTo(reads.getJsonObject("strong"));
        assertThat(reads.getJsonArray("events").stream().map(e -> ((JsonObject) e).getString("type")).toList())
            .containsExactly("OrderPlaced", "PaymentReceived", "StockReserved", "OrderShipped");
        assertThat(reads.getJsonObject("paid").getString("status")).isEqualTo("PAID");

        JsonObject cancel = gql(alice, "mutation { cancelOrder(id: \"" + id + "\") { status } }");
        assertThat(code(cancel)).isEqualTo("CONFLICT");
        assertThat(code(gql(alice, "mutation { cancelOrder(id: \"no-such-order\") { status } }"))).isEqualTo("NOT_FOUND");
    }

    @Test
    void aCustomerReachesOnlyTheirOwnOrdersAccountAndSagasAndNoOperatorAction() throws Exception {
        String orderOfAlice = placeAndComplete(token("alice"), "alice");
        String bob = token("bob");

        JsonObject other = gql(bob, "{ order(id: \"" + orderOfAlice + "\") { id } }");
        assertThat(code(other)).isEqualTo("FORBIDDEN");
        assertThat(other.getJsonObject("data").getValue("order")).isNull();
        assertThat(code(gql(bob, "{ account(customerId: \"alice\") { balance } }"))).isEqualTo("FORBIDDEN");
        assertThat(code(gql(bob, "{ sagaForOrder(orderId: \"" + orderOfAlice + "\") { id } }"))).isEqualTo("FORBIDDEN");
        assertThat(code(gql(bob, "{ sagas { totalCount } }"))).isEqualTo("FORBIDDEN");
        assertThat(code(gql(bob, "mutation { adjustStock(sku: \"SKU-1\", delta: 5) { available } }"))).isEqualTo("FORBIDDEN");
        assertThat(code(gql(bob, "mutation { cancelOrder(id: \"" + orderOfAlice + "\") { status } }"))).isEqualTo("FORBIDDEN");
        assertThat(code(gql(bob, "mutation { placeOrder(input: {customerId: \"alice\", items: [{sku: \"SKU-1\", quantity: 1, "
            + "unitPrice: \"1\"}], shippingAddress: " + ADDRESS + "}) { orderId } }"))).isEqualTo("FORBIDDEN");
        JsonObject own = gql(bob, "{ orders(filter: {customerId: \"bob\"}) { totalCount } }");
        assertThat(own.getJsonArray("errors")).isNull();
        assertThat(code(gql(bob, "{ orders(filter: {customerId: \"alice\"}) { totalCount } }"))).isEqualTo("FORBIDDEN");
    }

    @Test
    void badInputIsRefusedWithItsFieldAndNothingLeaksAndMalformedRequestsAreNot500() throws Exception {
        String alice = token("alice");
        JsonObject zero = gql(alice, "mutation { placeOrder(input: {customerId: \"alice\", items: [{sku: \"SKU-1\", quantity: 0, "
            + "unitPrice: \"1\"}], shippingAddress: " + ADDRESS + "}) { orderId } }");
        assertThat(code(zero)).isEqualTo("BAD_USER_INPUT");
        assertThat(zero.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("field")).isEqualTo("items[0].quantity");
        assertThat(code(gql(alice, "mutation { placeOrder(input: {customerId: \"alice\", items: [{sku: \"SKU-1\", quantity: 1, "
            + "unitPrice: \"abc\"}], shippingAddress: " + ADDRESS + "}) { orderId } }"))).isEqualTo("BAD_USER_INPUT");
        assertThat(code(gql(alice, "{ orders( { totalCount } }"))).isEqualTo("BAD_USER_INPUT");
        assertThat(code(gql(alice, "{ noSuchField }"))).isEqualTo("BAD_USER_INPUT");
        JsonObject deep = gql(alice, "{ orders { edges { node { saga { steps { name } timeline { type } } } } pageInfo { endCursor } } }");
        assertThat(deep.getJsonArray("errors")).isNull();
        String ofTypes = "ofType { ".repeat(60) + "name" + " }".repeat(60);
        JsonObject tooDeep = gql(alice, "{ __schema { types { fields { type { " + ofTypes + " } } } } }");
        assertThat(code(tooDeep)).isEqualTo("BAD_USER_INPUT");
        StringBuilder wide = new StringBuilder("{");
        for (int i = 0; i < 300; i++) {
            wide.append(" s").append(i).append(": stock(sku: \"SKU-1\") { sku available }");
        }
        JsonObject tooComplex = gql(alice, wide.append(" }").toString());
        assertThat(code(tooComplex)).isEqualTo("BAD_USER_INPUT");
        JsonObject introspection = gql(alice, "{ __schema { queryType { name } types { name } } }");
        assertThat(introspection.getJsonArray("errors")).isNull();

        var malformed = web.post(port, "localhost", "/graphql").putHeader("Authorization", "Bearer " + alice)
            .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{not json")).toCompletionStage()
            .toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(malformed.statusCode()).isBetween(400, 499);
        var huge = post(alice, "{ orders(filter: {sku: \"" + "x".repeat(10_000) + "\"}) { totalCount } }");
        assertThat(huge.statusCode()).isEqualTo(413);
        assertThat(code(huge.bodyAsJsonObject())).isEqualTo("BAD_USER_INPUT");
        assertThat(zero.encode()).doesNotContain("Exception").doesNotContain("at io.").doesNotContain("SELECT");
    }

    private static String field(JsonObject response) {
        return response.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("field");
    }

    private static JsonObject placeWith(String token, String item, String address, String extra) throws Exception {
        return gql(token, "mutation { placeOrder(input: {customerId: \"alice\", items: [" + item + "], shippingAddress: " + address + extra
            + "}) { orderId } }");
    }

    /** The contract's input rules: each bound refused with BAD_USER_INPUT and its field, and nothing placed. */
    @Test
    void valuesBeyondTheContractsBoundsAreRefusedWithTheirFieldAndChangeNothing() throws Exception {
        String alice = token("alice");
        String admin = token("admin");
        long before = settledOrderCount(admin, "alice"); // other tests' orders of alice may still be on their way to the read model
        String item = "{sku: \"SKU-1\", quantity: 1, unitPrice: \"1.00\"}";
        JsonObject hugePrice = placeWith(alice, "{sku: \"SKU-1\", quantity: 1, unitPrice: \"100000000000000000\"}", ADDRESS, "");
        assertThat(code(hugePrice)).isEqualTo("BAD_USER_INPUT");
        assertThat(field(hugePrice)).isEqualTo("items[0].unitPrice");
        JsonObject longCity = placeWith(alice, item, "{line1: \"1\", city: \"" + "c".repeat(201) + "\", postalCode: \"1\", country: \"KR\"}",
            "");
        assertThat(field(longCity)).isEqualTo("shippingAddress.city");
        assertThat(field(placeWith(alice, item, ADDRESS, ", idempotencyKey: \"" + "k".repeat(201) + "\""))).isEqualTo("idempotencyKey");
        JsonObject minTotal = gql(alice, "{ orders(filter: {minTotal: \"1e30\"}) { totalCount } }");
        assertThat(code(minTotal)).isEqualTo("BAD_USER_INPUT");
        assertThat(field(minTotal)).isEqualTo("filter.minTotal");
        assertThat(field(gql(alice, "{ order(id: \"" + "x".repeat(65) + "\") { id } }"))).isEqualTo("id");
        assertThat(field(gql(admin, "mutation { creditAccount(customerId: \"bob\", amount: \"1000000000000.01\") { balance } }")))
            .isEqualTo("amount");
        assertThat(field(gql(admin, "mutation { adjustStock(sku: \"SKU-1\", delta: 1500000000) { available } }"))).isEqualTo("delta");
        assertThat(field(gql(alice, "mutation { cancelOrder(id: \"o-1\", reason: \"" + "r".repeat(201) + "\") { id } }")))
            .isEqualTo("reason");
        assertThat(settledOrderCount(admin, "alice")).isEqualTo(before);
    }

    /** A customer's order count in the read model once it has stopped changing for 2 s (at most 30 s). */
    private static long settledOrderCount(String token, String customer) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        long last = -1;
        long stableSince = System.currentTimeMillis();
        while (true) {
            long count = gql(token, "{ orders(filter: {customerId: \"" + customer + "\"}) { totalCount } }").getJsonObject("data")
                .getJsonObject("orders").getLong("totalCount");
            if (count != last) {
                last = count;
                stableSince = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - stableSince >= 2_000 || System.currentTimeMillis() > deadline) {
                return count;
            }
            Thread.sleep(200);
        }
    }

    /** Before: a subscription document over HTTP registered a listener nothing ever removed. */
    @Test
    void subscriptionsOverHttpAreRefusedAndRegisterNothing() throws Exception {
        String alice = token("alice");
        double before = subscriptionGauge();
        for (int i = 0; i < 1000; i++) {
            JsonObject refused = gql(alice, "subscription { orderStatusChanged(customerId: \"alice\") { status } }");
            assertThat(code(refused)).isEqualTo("BAD_USER_INPUT");
            assertThat(refused.getJsonArray("errors").getJsonObject(0).getString("message")).contains("WebSocket");
        }
        assertThat(code(gql(token("admin"), "subscription { sagaUpdated { id } }"))).isEqualTo("BAD_USER_INPUT");
        assertThat(subscriptionGauge()).isEqualTo(before);
    }

    private static double subscriptionGauge() throws Exception {
        String text = web.get(port, "localhost", "/metrics").send().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
            .bodyAsString();
        return text.lines().filter(l -> l.startsWith("sagaway_graphql_subscriptions ")).map(l -> Double.parseDouble(l.split(" ")[1]))
            .findFirst().orElseThrow();
    }

    /** Before: a STRONG order came from the event store but its saga from the read model, which may lag behind it. */
    @Test
    void aStrongReadTakesTheNestedSagaFromTheWriteSideToo() throws Exception {
        String alice = token("alice");
        String orderId = placeAndComplete(alice, "alice");
        String sagaId = gql(alice, "{ sagaForOrder(orderId: \"" + orderId + "\") { id } }").getJsonObject("data")
            .getJsonObject("sagaForOrder").getString("id");
        // The read model falls behind: its saga document still says RUNNING.
        var stale = web.postAbs(Platform.endpoints(StackResolver.forTests()).elasticsearchUrl() + "/" + indexPrefix + "sagas/_update/" + sagaId
                + "?refresh=true")
            .sendJsonObject(new JsonObject().put("doc", new JsonObject().put("status", "RUNNING")))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(stale.statusCode()).as(stale.bodyAsString()).isEqualTo(200);

        JsonObject reads = gql(alice, "{ eventual: order(id: \"" + orderId + "\") { status saga { status } } strong: order(id: \""
            + orderId + "\", consistency: STRONG) { status saga { status timeline { type } } } }").getJsonObject("data");
        assertThat(reads.getJsonObject("eventual").getJsonObject("saga").getString("status")).isEqualTo("RUNNING");
        assertThat(reads.getJsonObject("strong").getString("status")).isEqualTo("SHIPPED");
        assertThat(reads.getJsonObject("strong").getJsonObject("saga").getString("status")).isEqualTo("COMPLETED");
        assertThat(reads.getJsonObject("strong").getJsonObject("saga").getJsonArray("timeline")).isNotEmpty();
    }

    @Test
    void operatorsAdjustStockCreditAccountsReadStatsAndRebuildTheReadModel() throws Exception {
        String admin = token("admin");
        String sku = "SKU-" + UUID.randomUUID().toString().substring(0, 6);

        JsonObject actions = gql(admin, "mutation { adjustStock(sku: \"" + sku + "\", delta: 7) { sku available reserved } "
            + "creditAccount(customerId: \"carol\", amount: \"12.34\") { customerId balance currency } }").getJsonObject("data");
        assertThat(actions.getJsonObject("adjustStock").getInteger("available")).isEqualTo(7);
        assertThat(actions.getJsonObject("creditAccount").getString("balance")).isEqualTo("12.34");
        JsonObject negative = gql(admin, "mutation { adjustStock(sku: \"" + sku + "\", delta: -8) { available } }");
        assertThat(code(negative)).isEqualTo("BAD_USER_INPUT");

        placeAndComplete(token("alice"), "alice");
        JsonObject stats = null;
        // Searches see a saga once Elasticsearch refreshed (within a second): the read model is eventually consistent.
        for (int i = 0; i < 50 && (stats == null || stats.getJsonObject("sagas").getInteger("totalCount") == 0); i++) {
            Thread.sleep(stats == null ? 0 : 100);
            stats = gql(admin, "{ platformStats { ordersByStatus { status count } sagasByStatus { status count } "
                + "projectionLagMs deadLetterCount } sagas(filter: {status: [COMPLETED]}, first: 5) { totalCount edges { node { id status } } } "
                + "deadLetters { totalCount } stock(sku: \"" + sku + "\") { available } }").getJsonObject("data");
        }
        assertThat(stats.getJsonObject("platformStats").getDouble("projectionLagMs")).isGreaterThanOrEqualTo(0.0);
        assertThat(stats.getJsonObject("sagas").getInteger("totalCount")).isPositive();
        assertThat(stats.getJsonObject("stock").getInteger("available")).isEqualTo(7);

        JsonObject minutes = gql(admin, "{ platformStats { ordersPerMinute(minutes: 5) { minute count } } "
            + "stalled: sagas(filter: {stalledForSeconds: 0}) { totalCount edges { node { status } } } "
            + "fresh: sagas(filter: {stalledForSeconds: 3600}) { totalCount } }").getJsonObject("data");
        var perMinute = minutes.getJsonObject("platformStats").getJsonArray("ordersPerMinute");
        assertThat(perMinute).hasSize(5);
        assertThat(perMinute.stream().mapToInt(point -> ((JsonObject) point).getInteger("count")).sum())
            .as("the order just placed counts").isPositive();
        assertThat(Instant.parse(perMinute.getJsonObject(0).getString("minute")))
            .isBefore(Instant.parse(perMinute.getJsonObject(4).getString("minute")));
        assertThat(minutes.getJsonObject("stalled").getJsonArray("edges"))
            .allMatch(edge -> List.of("RUNNING", "COMPENSATING").contains(((JsonObject) edge).getJsonObject("node").getString("status")));
        assertThat(minutes.getJsonObject("fresh").getInteger("totalCount")).isZero();
        assertThat(code(gql(admin, "{ platformStats { ordersPerMinute(minutes: 0) { count } } }"))).isEqualTo("BAD_USER_INPUT");
        assertThat(code(gql(admin, "{ sagas(filter: {stalledForSeconds: -1}) { totalCount } }"))).isEqualTo("BAD_USER_INPUT");

        JsonObject rebuild = gql(admin, "mutation { rebuildReadModel { running total indices } }");
        assertThat(rebuild.getJsonArray("errors")).as(rebuild.encode()).isNull();
        JsonObject status = null;
        for (int i = 0; i < 100; i++) {
            status = gql(admin, "{ readModelRebuild { running done total failure indices } }").getJsonObject("data").getJsonObject("readModelRebuild");
            if (status != null && !status.getBoolean("running")) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(status.getBoolean("running")).isFalse();
        assertThat(status.getString("failure")).isNull();
        assertThat(status.getJsonArray("indices")).anyMatch(index -> index.toString().endsWith("orders_v2"));
        assertThat(code(gql(token("alice"), "mutation { rebuildReadModel { running } }"))).isEqualTo("FORBIDDEN");
    }

    @Test
    void aSubscriberSeesEachStatusOfItsOrdersOnceInVersionOrderOverGraphqlTransportWs() throws Exception {
        String alice = token("alice");
        BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
        var ws = subscriptionSocket(alice, messages);
        ws.writeTextMessage(new JsonObject().put("id", "s1").put("type", "subscribe").put("payload", new JsonObject()
            .put("query", "subscription { orderStatusChanged(customerId: \"alice\") { orderId status version } }")).encode());
        ws.writeTextMessage(new JsonObject().put("id", "s2").put("type", "subscribe").put("payload", new JsonObject()
            .put("query", "subscription { orderStatusChanged(customerId: \"bob\") { orderId status } }")).encode());
        Thread.sleep(1500); // the fan-out consumer starts at the latest offset

        String orderId = placeAndComplete(alice, "alice");

        List<String> seen = new ArrayList<>();
        List<Integer> versions = new ArrayList<>();
        String forbidden = null;
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline && !seen.contains("SHIPPED")) {
            JsonObject m = messages.poll(1, TimeUnit.SECONDS);
            if (m == null) {
                continue;
            }
            if ("s2".equals(m.getString("id")) && m.encode().contains("FORBIDDEN")) {
                forbidden = m.encode(); // sent as an error message, or as a result carrying errors
            }
            if ("s1".equals(m.getString("id")) && "next".equals(m.getString("type"))) {
                JsonObject update = m.getJsonObject("payload").getJsonObject("data").getJsonObject("orderStatusChanged");
                if (orderId.equals(update.getString("orderId"))) {
                    seen.add(update.getString("status"));
                    versions.add(update.getInteger("version"));
                }
            }
        }
        ws.close();
        // The socket's subscriptions end with it: nothing is left listening.
        String open = null;
        for (int i = 0; i < 50; i++) {
            String metrics = web.get(port, "localhost", "/metrics").send().toCompletionStage().toCompletableFuture()
                .get(10, TimeUnit.SECONDS).bodyAsString();
            open = metrics.lines().filter(l -> l.startsWith("sagaway_graphql_subscriptions ")).findFirst().orElse("");
            if (open.endsWith(" 0.0")) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(open).endsWith(" 0.0");

        assertThat(seen).containsExactly("PENDING", "PAID", "RESERVED", "SHIPPED");
        assertThat(versions).containsExactly(1, 2, 3, 4);
        assertThat(forbidden).contains("FORBIDDEN");
    }

    /** A raw graphql-transport-ws connection (no connection_init yet): its messages go to {@code messages}, its close code to {@code closed}. */
    private static WebSocket rawSocket(BlockingQueue<JsonObject> messages, BlockingQueue<Short> closed) throws Exception {
        var ws = client.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("localhost").setPort(port)
                .setURI("/graphql").addSubProtocol("graphql-transport-ws"))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        ws.textMessageHandler(text -> messages.add(new JsonObject(text)));
        ws.closeHandler(v -> closed.add(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
        return ws;
    }

    @Test
    void theWebSocketProtocolClosesOnWhatItForbidsAndAnswersPingsQueriesAndCompletes() throws Exception {
        BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
        BlockingQueue<Short> closed = new LinkedBlockingQueue<>();

        rawSocket(messages, closed); // never initialised
        assertThat(closed.poll(10, TimeUnit.SECONDS)).as("no connection_init within the timeout").isEqualTo((short) 4408);

        var early = rawSocket(messages, closed);
        early.writeTextMessage(new JsonObject().put("id", "1").put("type", "subscribe")
            .put("payload", new JsonObject().put("query", "subscription { orderStatusChanged { status } }")).encode());
        assertThat(closed.poll(10, TimeUnit.SECONDS)).as("subscribe before connection_ack").isEqualTo((short) 4401);

        var forged = rawSocket(messages, closed);
        forged.writeTextMessage(new JsonObject().put("type", "connection_init")
            .put("payload", new JsonObject().put("Authorization", "Bearer not-a-token")).encode());
        assertThat(closed.poll(10, TimeUnit.SECONDS)).as("connection_init with a bad token").isEqualTo((short) 4403);

        var garbled = rawSocket(messages, closed);
        garbled.writeTextMessage("not json");
        assertThat(closed.poll(10, TimeUnit.SECONDS)).as("a message that is not JSON").isEqualTo((short) 4400);
        assertThat(messages).isEmpty();

        String alice = token("alice");
        var ws = subscriptionSocket(alice, messages);
        ws.closeHandler(v -> closed.add(ws.closeStatusCode() == null ? -1 : ws.closeStatusCode()));
        ws.writeTextMessage(new JsonObject().put("type", "ping").put("payload", new JsonObject().put("n", 7)).encode());
        assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(new JsonObject().put("type", "pong").put("payload", new JsonObject().put("n", 7)));
        ws.writeTextMessage(new JsonObject().put("id", "q").put("type", "subscribe")
            .put("payload", new JsonObject().put("query", "{ account(customerId: \"alice\") { customerId } }")).encode());
        assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(new JsonObject().put("id", "q").put("type", "next")
            .put("payload", new JsonObject().put("data", new JsonObject().put("account", new JsonObject().put("customerId", "alice")))));
        assertThat(messages.poll(10, TimeUnit.SECONDS)).isEqualTo(new JsonObject().put("id", "q").put("type", "complete"));
        ws.writeTextMessage(new JsonObject().put("id", "bad").put("type", "subscribe").put("payload", new JsonObject()).encode());
        JsonObject refused = messages.poll(10, TimeUnit.SECONDS);
        assertThat(refused.getString("type")).isEqualTo("error");
        assertThat(refused.getJsonArray("payload").getJsonObject(0).getString("message")).contains("query");

        String updates = "subscription { orderStatusChanged(customerId: \"alice\") { orderId status } }";
        ws.writeTextMessage(new JsonObject().put("id", "s").put("type", "subscribe").put("payload", new JsonObject().put("query", updates)).encode());
        ws.writeTextMessage(new JsonObject().put("id", "s").put("type", "subscribe").put("payload", new JsonObject().put("query", updates)).encode());
        assertThat(closed.poll(10, TimeUnit.SECONDS)).as("a second subscribe with an id in use").isEqualTo((short) 4409);
    }

    @Test
    void subscribersOfTheSameSubscriptionShareEachUpdateAndOthersGetTheirOwnSelection() throws Exception {
        String alice = token("alice");
        BlockingQueue<JsonObject> first = new LinkedBlockingQueue<>();
        BlockingQueue<JsonObject> second = new LinkedBlockingQueue<>();
        var one = subscriptionSocket(alice, first);
        var two = subscriptionSocket(alice, second);
        String plain = "subscription { orderStatusChanged(customerId: \"alice\") { orderId status } }";
        String aliased = "subscription($c: ID, $why: Boolean!) { o: orderStatusChanged(customerId: $c) { id: orderId v: version "
            + "reason @include(if: $why) } }";
        one.writeTextMessage(new JsonObject().put("id", "plain").put("type", "subscribe").put("payload", new JsonObject().put("query", plain)).encode());
        one.writeTextMessage(new JsonObject().put("id", "aliased").put("type", "subscribe").put("payload", new JsonObject()
            .put("query", aliased).put("variables", new JsonObject().put("c", "alice").put("why", false))).encode());
        two.writeTextMessage(new JsonObject().put("id", "mine").put("type", "subscribe").put("payload", new JsonObject().put("query", plain)).encode());
        two.writeTextMessage(new JsonObject().put("id", "stopped").put("type", "subscribe").put("payload", new JsonObject().put("query", plain)).encode());
        two.writeTextMessage(new JsonObject().put("id", "stopped").put("type", "complete").encode());
        Thread.sleep(1500); // the fan-out consumer starts at the latest offset

        String orderId = placeAndComplete(alice, "alice");

        Map<String, List<JsonObject>> seen = new HashMap<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline && (seen.getOrDefault("plain", List.of()).size() < 4
            || seen.getOrDefault("aliased", List.of()).size() < 4 || seen.getOrDefault("mine", List.of()).size() < 4)) {
            JsonObject m = first.poll(100, TimeUnit.MILLISECONDS);
            m = m == null ? second.poll(100, TimeUnit.MILLISECONDS) : m;
            if (m != null && "next".equals(m.getString("type")) && m.encode().contains(orderId)) {
                seen.computeIfAbsent(m.getString("id"), k -> new ArrayList<>()).add(m.getJsonObject("payload"));
            }
        }
        Thread.sleep(500);
        List.of(first, second).forEach(q -> q.forEach(m -> {
            if ("next".equals(m.getString("type")) && m.encode().contains(orderId)) {
                seen.computeIfAbsent(m.getString("id"), k -> new ArrayList<>()).add(m.getJsonObject("payload"));
            }
        }));
        one.close();
        two.close();

        List<JsonObject> expected = List.of("PENDING", "PAID", "RESERVED", "SHIPPED").stream().map(status -> new JsonObject()
            .put("data", new JsonObject().put("orderStatusChanged", new JsonObject().put("orderId", orderId).put("status", status)))).toList();
        assertThat(seen.get("plain")).isEqualTo(expected);
        assertThat(seen.get("mine")).isEqualTo(expected);
        assertThat(seen.get("aliased")).extracting(p -> p.getJsonObject("data").getJsonObject("o").encode()).containsExactly(
            "{\"id\":\"" + orderId + "\",\"v\":1}", "{\"id\":\"" + orderId + "\",\"v\":2}",
            "{\"id\":\"" + orderId + "\",\"v\":3}", "{\"id\":\"" + orderId + "\",\"v\":4}");
        assertThat(seen).as("a completed subscription gets nothing").doesNotContainKey("stopped");
    }

    @Test
    void metricsAreServedInPrometheusFormatWithGraphQLTimingsSagaCountsAndProjectionLag() throws Exception {
        placeAndComplete(token("alice"), "alice");
        String text = null;
        for (int i = 0; i < 60; i++) {
            var page = web.get(port, "localhost", "/metrics").send().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            assertThat(page.statusCode()).isEqualTo(200);
            text = page.bodyAsString();
            if (text.contains("sagaway_sagas{status=\"COMPLETED\"} 0") || !text.contains("sagaway_sagas{status=\"COMPLETED\"}")) {
                Thread.sleep(200); // saga counts refresh every 5 s
                continue;
            }
            break;
        }
        assertThat(text).contains("sagaway_kafka_consumer_lag{group=").contains("sagaway_graphql_subscriptions")
            .contains("sagaway_graphql_requests_seconds_count").contains("vertx_http_server_requests")
            .contains("sagaway_projection_lag_last_milliseconds").contains("sagaway_sagas{status=\"COMPLETED\"}")
            .doesNotContain("sagaway_sagas{status=\"COMPLETED\"} 0.0");
    }

    /**
     * One connection stops reading while another keeps pace. The slow one has a tiny receive
     * buffer (and the gateway a 64 KiB send buffer) and many subscriptions of every saga, so the
     * kernel's buffers and its write queue fill within a few sagas: its streams hold back, then
     * drop with an error once 256 updates wait.
     * The fast subscriber meanwhile gets every update of every saga, in order.
     */
    @Test
    void aSubscriberThatReadsSlowlyHoldsUpNoOneElseAndIsDroppedWhenTooFarBehind() throws Exception {
        String admin = token("admin");
        String alice = token("alice");
        String sku = "SLOW-" + UUID.randomUUID().toString().substring(0, 6);
        gql(admin, "mutation { adjustStock(sku: \"" + sku + "\", delta: 1000) { available } }");
        String saga = "subscription { sagaUpdated { id orderId status steps { name status attempts error } "
            + "timeline { at type step message } updatedAt } }";

        BlockingQueue<JsonObject> fastMessages = new LinkedBlockingQueue<>();
        var fast = subscriptionSocket(admin, fastMessages);
        fast.writeTextMessage(new JsonObject().put("id", "fast").put("type", "subscribe")
            .put("payload", new JsonObject().put("query", saga)).encode());

        var slow = RawWebSocket.connect(port, "/graphql", "graphql-transport-ws", 2048);
        slow.sendText(new JsonObject().put("type", "connection_init")
            .put("payload", new JsonObject().put("Authorization", "Bearer " + admin)).encode());
        assertThat(new JsonObject(slow.readText()).getString("type")).isEqualTo("connection_ack");
        int slowSubscriptions = 40;
        for (int i = 0; i < slowSubscriptions; i++) {
            slow.sendText(new JsonObject().put("id", "slow" + i).put("type", "subscribe")
                .put("payload", new JsonObject().put("query", saga)).encode());
        }
        Thread.sleep(1500); // the fan-out consumer starts at the latest offset; from here on, nothing reads the slow socket

        int orders = 70; // 4 updates each: 280 per subscription, more than the 256 a stream may hold back
        Set<String> placed = ConcurrentHashMap.newKeySet();
        for (int i = 0; i < orders; i++) {
            JsonObject r = gql(alice, "mutation { placeOrder(input: {customerId: \"alice\", items: [{sku: \"" + sku + "\", quantity: 1, "
                + "unitPrice: \"1.00\"}], shippingAddress: " + ADDRESS + "}) { orderId } }");
            assertThat(r.getJsonArray("errors")).as(r.encode()).isNull();
            placed.add(r.getJsonObject("data").getJsonObject("placeOrder").getString("orderId"));
        }

        // The fast subscriber sees every saga through to COMPLETED, each saga's updates in order, while the slow one reads nothing.
        Map<String, List<String>> statuses = new HashMap<>();
        Map<String, Instant> lastUpdate = new HashMap<>();
        Set<String> completed = new HashSet<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (completed.size() < orders && System.currentTimeMillis() < deadline) {
            JsonObject m = fastMessages.poll(1, TimeUnit.SECONDS);
            if (m == null || !"next".equals(m.getString("type"))) {
                assertThat(m == null || !"error".equals(m.getString("type"))).as("fast subscriber got " + m).isTrue();
                continue;
            }
            JsonObject update = m.getJsonObject("payload").getJsonObject("data").getJsonObject("sagaUpdated");
            String orderId = update.getString("orderId");
            if (!placed.contains(orderId)) {
                continue;
            }
            Instant at = Instant.parse(update.getString("updatedAt"));
            assertThat(at).as("updates of one saga in order").isAfterOrEqualTo(lastUpdate.getOrDefault(orderId, Instant.EPOCH));
            lastUpdate.put(orderId, at);
            statuses.computeIfAbsent(orderId, k -> new ArrayList<>()).add(update.getString("status"));
            if ("COMPLETED".equals(update.getString("status"))) {
                completed.add(orderId);
            }
        }
        assertThat(completed).as("every saga reached the fast subscriber while the slow one was paused").hasSize(orders);
        assertThat(statuses.values()).allSatisfy(seen -> assertThat(seen).startsWith("RUNNING").endsWith("COMPLETED"));

        // Once it reads again, the slow connection finds its streams ended with an error: it fell too far behind and was dropped.
        Set<String> dropped = new HashSet<>();
        int slowUpdates = 0;
        deadline = System.currentTimeMillis() + 30_000;
        while (dropped.size() < slowSubscriptions && System.currentTimeMillis() < deadline) {
            String text = slow.readText();
            if (text == null) {
                break;
            }
            JsonObject m = new JsonObject(text);
            if ("error".equals(m.getString("type"))) {
                assertThat(m.encode()).contains("behind");
                dropped.add(m.getString("id"));
            } else if ("next".equals(m.getString("type"))) {
                slowUpdates++;
            }
        }
        fast.close();
        slow.close();
        assertThat(dropped).as("the slow connection's subscriptions were dropped, not buffered without bound (it got %d updates)", slowUpdates)
            .isNotEmpty();
        assertThat(slowUpdates).as("the slow connection did not get everything the fast one did")
            .isLessThan(slowSubscriptions * statuses.values().stream().mapToInt(List::size).sum());
    }

    @Test
    void operatorsFollowSagasRetryThemAndRedriveDeadLettersThroughGraphQL() throws Exception {
        String admin = token("admin");
        BlockingQueue<JsonObject> messages = new LinkedBlockingQueue<>();
        var ws = subscriptionSocket(admin, messages);
        ws.writeTextMessage(new JsonObject().put("id", "sagas").put("type", "subscribe").put("payload", new JsonObject()
            .put("query", "subscription { sagaUpdated { id orderId status steps { name status } } }")).encode());
        Thread.sleep(500);

        String orderId = placeAndComplete(token("alice"), "alice");
        String finalStatus = null;
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline && !"COMPLETED".equals(finalStatus)) {
            JsonObject m = messages.poll(1, TimeUnit.SECONDS);
            if (m != null && "next".equals(m.getString("type"))) {
                JsonObject saga = m.getJsonObject("payload").getJsonObject("data").getJsonObject("sagaUpdated");
                if (orderId.equals(saga.getString("orderId"))) {
                    finalStatus = saga.getString("status");
                }
            }
        }
        ws.close();
        assertThat(finalStatus).isEqualTo("COMPLETED");

        JsonObject saga = gql(admin, "{ sagaForOrder(orderId: \"" + orderId + "\") { id status flagged cancelRequested } }")
            .getJsonObject("data").getJsonObject("sagaForOrder");
        assertThat(saga.getBoolean("flagged")).isFalse();
        assertThat(code(gql(admin, "mutation { retrySaga(id: \"" + saga.getString("id") + "\") { status } }"))).isEqualTo("CONFLICT");
        assertThat(code(gql(admin, "mutation { retrySaga(id: \"no-such-saga\") { status } }"))).isEqualTo("NOT_FOUND");
        assertThat(code(gql(token("bob"), "mutation { retrySaga(id: \"" + saga.getString("id") + "\") { status } }"))).isEqualTo("FORBIDDEN");
        assertThat(code(gql(admin, "mutation { redriveDeadLetter(id: \"" + UUID.randomUUID() + "\") { id } }"))).isEqualTo("NOT_FOUND");
        assertThat(code(gql(admin, "mutation { redriveDeadLetter(id: \"not-an-id\") { id } }"))).isEqualTo("BAD_USER_INPUT");
        assertThat(code(gql(token("alice"), "{ deadLetters { totalCount } }"))).isEqualTo("FORBIDDEN");
        assertThat(code(gql(token("alice"), "{ platformStats { deadLetterCount } }"))).isEqualTo("FORBIDDEN");
    }

    private static final String LINEAGE_FIELDS = "{ orderId slowestHop { kind durationMs } hops { at kind durationMs since messageId "
        + "messageType version topic partition offset consumer attempt sagaEvent step detail } }";

    @Test
    void anOrdersLineageShowsEveryHopFromStoredDataToItsCustomerAndOperatorsOnly() throws Exception {
        String alice = token("alice");
        String orderId = placeAndComplete(alice, "alice");
        // The read model catches up within a second or so; the lineage shows its documents as Elasticsearch holds them.
        JsonObject lineage = null;
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            lineage = gql(alice, "{ orderLineage(orderId: \"" + orderId + "\") " + LINEAGE_FIELDS + " }").getJsonObject("data")
                .getJsonObject("orderLineage");
            if (hops(lineage, "INDEXED").stream().anyMatch(h -> "order document".equals(h.getString("messageType")) && h.getInteger("version") == 4)
                && hops(lineage, "INDEXED").stream().anyMatch(h -> "saga document".equals(h.getString("messageType")))) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(lineage.getString("orderId")).isEqualTo(orderId);
        List<JsonObject> all = hops(lineage, null);
        assertThat(all).extracting(h -> Instant.parse(h.getString("at"))).isSorted();

        assertThat(hops(lineage, "ACCEPTED")).singleElement().satisfies(h -> assertThat(h.getString("detail")).startsWith("request "));
        assertThat(hops(lineage, "EVENT_APPENDED")).extracting(h -> h.getInteger("version") + " " + h.getString("messageType"))
            .containsExactly("1 OrderPlaced", "2 PaymentReceived", "3 StockReserved", "4 OrderShipped");
        // An event the saga appended follows the reply that caused it, as consumed.
        assertThat(hops(lineage, "EVENT_APPENDED").get(1).getString("since")).isEqualTo("its cause PaymentDebited consumed");

        String prefix = indexPrefixToSchema() + ".";
        JsonObject placedPublished = hops(lineage, "PUBLISHED").stream().filter(h -> "OrderPlaced".equals(h.getString("messageType")))
            .findFirst().orElseThrow();
        assertThat(placedPublished.getString("topic")).isEqualTo(prefix + "order.events");
        assertThat(placedPublished.getInteger("partition")).isBetween(0, 7);
        assertThat(Long.parseLong(placedPublished.getString("offset"))).isNotNegative();
        assertThat(placedPublished.getString("since")).isEqualTo("its transaction began");
        assertThat(placedPublished.getInteger("durationMs")).isNotNegative();
        assertThat(hops(lineage, "PUBLISHED")).extracting(h -> h.getString("messageType"))
            .contains("OrderPlaced", "DebitPayment", "PaymentDebited", "ReserveStock", "InventoryReserved", "CreateShipment", "ShipmentCreated",
                "SagaUpdated")
            .doesNotContainNull();
        assertThat(hops(lineage, "PENDING_PUBLISH")).isEmpty();

        // Each message was processed by its consumer, on the first attempt, in the same partition and offset it was published at.
        assertThat(hops(lineage, "CONSUMED")).extracting(h -> h.getString("messageType") + " by " + h.getString("consumer") + " #"
                + h.getInteger("attempt"))
            .contains("OrderPlaced by " + prefix + "order-saga #1", "DebitPayment by " + prefix + "payment #1",
                "PaymentDebited by " + prefix + "order-saga #1", "ReserveStock by " + prefix + "inventory #1",
                "CreateShipment by " + prefix + "shipping #1", "ShipmentCreated by " + prefix + "order-saga #1");
        JsonObject placedConsumed = hops(lineage, "CONSUMED").stream().filter(h -> "OrderPlaced".equals(h.getString("messageType")))
            .findFirst().orElseThrow();
        assertThat(placedConsumed.getString("offset")).isEqualTo(placedPublished.getString("offset"));
        assertThat(placedConsumed.getString("since")).isEqualTo("published");

        assertThat(hops(lineage, "SAGA")).extracting(h -> h.getString("sagaEvent") + (h.getString("step") == null ? "" : " " + h.getString("step")))
            .startsWith("STARTED").endsWith("COMPLETED")
            .contains("STEP_SUCCEEDED PAYMENT", "STEP_SUCCEEDED INVENTORY", "STEP_SUCCEEDED SHIPPING");
        assertThat(hops(lineage, "DEAD_LETTERED")).isEmpty();

        JsonObject orderDocument = hops(lineage, "INDEXED").stream().filter(h -> "order document".equals(h.getString("messageType")))
            .findFirst().orElseThrow();
        assertThat(orderDocument.getInteger("version")).isEqualTo(4);
        assertThat(orderDocument.getString("since")).isEqualTo("published");
        int slowest = all.stream().filter(h -> Set.of("EVENT_APPENDED", "PUBLISHED", "CONSUMED", "INDEXED").contains(h.getString("kind")))
            .filter(h -> h.getInteger("durationMs") != null).mapToInt(h -> h.getInteger("durationMs")).max().orElseThrow();
        assertThat(lineage.getJsonObject("slowestHop").getInteger("durationMs")).isEqualTo(slowest);

        // The operator sees it too; another customer does not, and an unknown order has none.
        assertThat(gql(token("admin"), "{ orderLineage(orderId: \"" + orderId + "\") { orderId } }").getJsonObject("data")
            .getJsonObject("orderLineage").getString("orderId")).isEqualTo(orderId);
        assertThat(code(gql(token("bob"), "{ orderLineage(orderId: \"" + orderId + "\") { orderId } }"))).isEqualTo("FORBIDDEN");
        JsonObject unknown = gql(alice, "{ orderLineage(orderId: \"no-such-order\") { orderId } }");
        assertThat(unknown.getJsonArray("errors")).isNull();
        assertThat(unknown.getJsonObject("data").getValue("orderLineage")).isNull();
        assertThat(code(gql(alice, "{ orderLineage(orderId: \"\") { orderId } }"))).isEqualTo("BAD_USER_INPUT");
    }

    /** The lineage's hops of one kind (all with null), in the order given. */
    private static List<JsonObject> hops(JsonObject lineage, String kind) {
        return lineage.getJsonArray("hops").stream().map(h -> (JsonObject) h)
            .filter(h -> kind == null || kind.equals(h.getString("kind"))).toList();
    }

    private static String indexPrefixToSchema() {
        return indexPrefix.substring(0, indexPrefix.length() - 1).replace('-', '_');
    }

    @Test
    void graphiqlIsServed() throws Exception {
        var page = web.get(port, "localhost", "/graphiql/").send().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.bodyAsString()).containsIgnoringCase("graphiql");
        JsonArray unused = new JsonArray();
        assertThat(unused).isEmpty();
    }
}
