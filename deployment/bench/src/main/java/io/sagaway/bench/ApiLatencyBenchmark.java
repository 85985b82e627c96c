package io.sagaway.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;

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
        // The WebClient's default pool, as the figures of docs/benchmarks.md were made with.
        GraphQLClient api = GraphQLClient.create(vertx, url, new PoolOptions().getHttp1MaxSize());
        try {
            String alice = Bench.await(api.token("alice", "alice"), Duration.ofSeconds(10));
            String admin = Bench.await(api.token("admin", "admin"), Duration.ofSeconds(10));
            Bench.await(api.data(admin, "mutation { adjustStock(sku: \"SKU-1\", delta: " + orders + ") { available } "
                + "creditAccount(customerId: \"alice\", amount: \"" + (orders * 10) + "\") { balance } }"), Duration.ofSeconds(30));

            Map<String, Long> shippedAt = new ConcurrentHashMap<>();
            List<Long> delivery = new CopyOnWriteArrayList<>();
            SubscriptionSocket socket = Bench.await(SubscriptionSocket.open(vertx, url, alice, Duration.ofSeconds(10)), Duration.ofSeconds(15));
            socket.subscribe("1", "subscription { orderStatusChanged(customerId: \"alice\") { orderId status version at } }", new JsonObject(),
                payload -> {
                    JsonObject update = payload.getJsonObject("data").getJsonObject("orderStatusChanged");
                    long now = System.currentTimeMillis();
                    delivery.add(now - Instant.parse(update.getString("at")).toEpochMilli());
                    if ("SHIPPED".equals(update.getString("status")) || "FAILED".equals(update.getString("status"))) {
                        shippedAt.put(update.getString("orderId"), now);
                    }
                }, why -> { });
            Thread.sleep(1000); // the fan-out consumer starts at the latest offset

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
                inFlight.add(api.data(alice, mutation).onSuccess(data -> {
                    accept.add((System.nanoTime() - sent) / 1000);
                    placedAt.put(data.getJsonObject("placeOrder").getString("orderId"), System.currentTimeMillis());
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
            Bench.await(socket.close(), Duration.ofSeconds(10));

            Bench.print(String.format(Locale.ROOT, "API latency against %s: %d orders at %d/s, one subscriber of all alice's orders", url,
                orders, rate));
            Bench.print(Distribution.of(accept.stream().map(us -> us / 1000.0).toList()).line("placeOrder accepted over HTTP (ms)"));
            Bench.print(Distribution.of(delivery).line("subscription update delivery, commit to client (ms)"));
            Bench.print(Distribution.of(completion).line("accepted to SHIPPED seen by the subscriber (ms)"));
        } finally {
            api.close();
            Bench.await(vertx.close(), Duration.ofSeconds(10));
        }
    }
}
