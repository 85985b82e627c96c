package io.sagaway.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Latency of the public API of a running platform, as a client sees it: placeOrder accepted over
 * HTTP, and the delivery of each order status update to a graphql-transport-ws subscriber (from
 * the change's commit time, carried in the update, to its arrival). Orders are placed one after
 * another at a fixed rate. Arguments: {@code --url URL} (default http://localhost:8080),
 * {@code --orders N} (default 300), {@code --rate N} per second (default 50).
 */
public final class ApiLatencyBenchmark {

    private ApiLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        URI url = URI.create(arguments.contains("--url") ? arguments.get(arguments.indexOf("--url") + 1) : "http://localhost:8080");
        int orders = Bench.intArg(arguments, "--orders", 300);
        int rate = Bench.intArg(arguments, "--rate", 50);
        Vertx vertx = Vertx.vertx();
        WebClient web = WebClient.create(vertx);
        try {
            String alice = token(web, url, "alice");
            String admin = token(web, url, "admin");
            graphql(web, url, admin, "mutation { adjustStock(sku: \"SKU-1\", delta: " + orders + ") { available } "
                + "creditAccount(customerId: \"alice\", amount: \"" + (orders * 10) + "\") { balance } }");

            Map<String, Long> shippedAt = new ConcurrentHashMap<>();
            List<Long> delivery = new CopyOnWriteArrayList<>();
            WebSocketClient wsClient = vertx.createWebSocketClient();
            WebSocket ws = Bench.await(wsClient.connect(new WebSocketConnectOptions().setHost(url.getHost()).setPort(url.getPort())
                .setURI("/graphql").addSubProtocol("graphql-transport-ws")), Duration.ofSeconds(10));
            ws.textMessageHandler(text -> {
                JsonObject m = new JsonObject(text);
                if ("next".equals(m.getString("type"))) {
                    JsonObject update = m.getJsonObject("payload").getJsonObject("data").getJsonObject("orderStatusChanged");
                    long now = System.currentTimeMillis();
                    delivery.add(now - Instant.parse(update.getString("at")).toEpochMilli());
                    if ("SHIPPED".equals(update.getString("status")) || "FAILED".equals(update.getString("status"))) {
                        shippedAt.put(update.getString("orderId"), now);
                    }
                }
            });
            ws.writeTextMessage(new JsonObject().put("type", "connection_init")
                .put("payload", new JsonObject().put("Authorization", "Bearer " + alice)).encode());
            Thread.sleep(500);
            ws.writeTextMessage(new JsonObject().put("id", "1").put("type", "subscribe").put("payload", new JsonObject()
                .put("query", "subscription { orderStatusChanged(customerId: \"alice\") { orderId status version at } }")).encode());
            Thread.sleep(1000);

            List<Long> accept = Collections.synchronizedList(new ArrayList<>());
            Map<String, Long> placedAt = new ConcurrentHashMap<>();
            List<Long> completion = new ArrayList<>();
            long interval = 1_000_000_000L / rate;
            long start = System.nanoTime();
            String mutation = "mutation { placeOrder(input: {customerId: \"alice\", items: [{sku: \"SKU-1\", quantity: 1, "
                + "unitPrice: \"1.00\"}], shippingAddress: {line1: \"1 Sejong-daero\", city: \"Seoul\", postalCode: \"04524\", "
                + "country: \"KR\"}}) { orderId status } }";
            List<Future<?>> inFlight = new ArrayList<>();
            for (int i = 0; i < orders; i++) {
                long due = start + i * interval;
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                long sent = System.nanoTime();
                inFlight.add(graphqlAsync(web, url, alice, mutation).onSuccess(body -> {
                    accept.add((System.nanoTime() - sent) / 1000);
                    placedAt.put(body.getJsonObject("data").getJsonObject("placeOrder").getString("orderId"), System.currentTimeMillis());
                }));
            }
            Bench.await(Future.join(inFlight), Duration.ofMinutes(5));
            Instant deadline = Instant.now().plusSeconds(60);
            while (shippedAt.size() < placedAt.size() && Instant.now().isBefore(deadline)) {
                Thread.sleep(100);
            }
            placedAt.forEach((id, at) -> {
                Long done = shippedAt.get(id);
                if (done != null) {
                    completion.add(done - at);
                }
            });
            ws.close();

            Bench.print(String.format(Locale.ROOT, "API latency against %s: %d orders at %d/s, one subscriber of all alice's orders", url,
                orders, rate));
            Bench.print(line("placeOrder accepted over HTTP (ms)", accept.stream().map(us -> us / 1000.0).toList()));
            Bench.print(line("subscription update delivery, commit to client (ms)", delivery.stream().map(Long::doubleValue).toList()));
            Bench.print(line("accepted to SHIPPED seen by the subscriber (ms)", completion.stream().map(Long::doubleValue).toList()));
        } finally {
            web.close();
            Bench.await(vertx.close(), Duration.ofSeconds(10));
        }
    }

    private static String line(String what, List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        if (sorted.isEmpty()) {
            return String.format("%-52s no samples", what);
        }
        return String.format(Locale.ROOT, "%-52s n=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f", what, sorted.size(), pct(sorted, 50),
            pct(sorted, 90), pct(sorted, 99), sorted.get(sorted.size() - 1));
    }

    private static double pct(List<Double> sorted, double p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p / 100 * sorted.size()) - 1));
    }

    private static String token(WebClient web, URI url, String user) {
        return Bench.await(web.postAbs(url + "/auth/token").sendJsonObject(new JsonObject().put("username", user).put("password", user))
            .map(r -> r.bodyAsJsonObject().getString("token")), Duration.ofSeconds(10));
    }

    private static JsonObject graphql(WebClient web, URI url, String token, String query) {
        return Bench.await(graphqlAsync(web, url, token, query), Duration.ofSeconds(30));
    }

    private static Future<JsonObject> graphqlAsync(WebClient web, URI url, String token, String query) {
        return web.postAbs(url + "/graphql").putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(new JsonObject().put("query", query))
            .compose(r -> r.bodyAsJsonObject().containsKey("errors")
                ? Future.failedFuture(r.bodyAsString()) : Future.succeededFuture(r.bodyAsJsonObject()));
    }
}
