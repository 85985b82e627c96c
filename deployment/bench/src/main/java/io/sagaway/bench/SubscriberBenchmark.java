package io.sagaway.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Subscribers at scale: N WebSocket clients follow the same customer's orders
 * ({@code orderStatusChanged(customerId:)}), orders of that customer are placed one after another,
 * and each update's arrival at every client is recorded. Prints, by client count: connected,
 * delivered (every client should get every update), and the fan-out delay (how much later than
 * its first arrival an update reached each client). Clients are spread over the gateways given.
 *
 * <pre>
 *   deployment/scripts/bench.sh subscribers [--url URL[,URL...]] [--clients 1000,5000,10000] [--orders 10] [--gap-ms 500]
 *                                          [--timeout S] [--connect-parallel N]
 * </pre>
 * The clients run in this process, on the same machine as the platform: their own CPU (reading
 * N messages per update) is in the figures, which are therefore an upper bound.
 */
public final class SubscriberBenchmark {

    private static final String UPDATES = "subscription Updates($customerId: ID!) { orderStatusChanged(customerId: $customerId) "
        + "{ orderId status version } }";
    private static final String PLACE_ORDER = "mutation Place($input: PlaceOrderInput!) { placeOrder(input: $input) { orderId } }";
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(120);

    private final Vertx vertx;
    private final List<URI> urls;
    private final GraphQLClient api;
    private final String operator;
    private final String customer;
    private final String sku;
    private final Duration timeout;
    private final int connectParallel;

    /** One step's figures. */
    /**
     * @param summary   every client, each delay from the update's first arrival at any client
     * @param byGateway each gateway's clients, each delay from the update's first arrival at one of them: what a
     *                  gateway's own subscribers cost it, without the skew between the gateways' feeds
     */
    record Step(int clients, int connected, Map<String, Long> connectFailures, int closedEarly, int orders, FanOutTally.Summary summary,
                List<FanOutTally.Summary> byGateway, List<GatewayFanOut.Histogram> inGateways, double seconds) {
    }

    private SubscriberBenchmark(Vertx vertx, List<URI> urls, GraphQLClient api, String operator, String customer, String sku,
                                Duration timeout, int connectParallel) {
        this.vertx = vertx;
        this.urls = urls;
        this.api = api;
        this.operator = operator;
        this.customer = customer;
        this.sku = sku;
        this.timeout = timeout;
        this.connectParallel = connectParallel;
    }

    public static void main(String[] args) {
        List<String> arguments = Arrays.asList(args);
        List<URI> urls = Arrays.stream(value(arguments, "--url", "http://localhost:8080").split(",")).map(URI::create).toList();
        List<Integer> steps = Arrays.stream(value(arguments, "--clients", "1000,5000,10000").split(",")).map(Integer::parseInt).toList();
        int orders = Integer.parseInt(value(arguments, "--orders", "10"));
        long gapMs = Long.parseLong(value(arguments, "--gap-ms", "500"));
        Duration timeout = Duration.ofSeconds(Long.parseLong(value(arguments, "--timeout", "60")));
        int connectParallel = Integer.parseInt(value(arguments, "--connect-parallel", "200"));
        Vertx vertx = Vertx.vertx();
        GraphQLClient api = GraphQLClient.create(vertx, urls.get(0), 8);
        try {
            String operator = Bench.await(api.token("admin", "admin"), SETUP_TIMEOUT);
            String run = HexFormat.of().formatHex(java.security.SecureRandom.getSeed(3));
            String customer = "subs-" + run;
            String sku = "SUBS-" + run;
            int total = orders * steps.size() + steps.size();
            Bench.await(api.data(operator, "mutation($c: ID!, $a: Decimal!, $s: String!, $n: Int!) { creditAccount(customerId: $c, amount: $a) "
                + "{ balance } adjustStock(sku: $s, delta: $n) { available } }", new JsonObject().put("c", customer)
                .put("a", BigDecimal.valueOf(total).toPlainString()).put("s", sku).put("n", total)), SETUP_TIMEOUT);
            SubscriberBenchmark bench = new SubscriberBenchmark(vertx, urls, api, operator, customer, sku, timeout, connectParallel);
            Bench.print(String.format(Locale.ROOT, "subscribers of one customer's orders (%s) over %d gateway(s) %s; %d orders a step, %d ms apart",
                customer, urls.size(), urls, orders, gapMs));
            Bench.print("clients  connected  failed  updates  delivered         fan-out p50 / p90 / p99 / max (ms)   duplicates");
            for (int clients : steps) {
                Step step = bench.step(clients, orders, gapMs);
                Bench.print(String.format(Locale.ROOT, "%7d  %9d  %6d  %7d  %9d (%5.1f%%)  %7.1f / %7.1f / %7.1f / %7.1f   %d%s",
                    step.clients(), step.connected(), step.clients() - step.connected(), step.summary().updates(), step.summary().delivered(),
                    100 * step.summary().deliveredShare(), step.summary().fanOutMillis().p50(), step.summary().fanOutMillis().p90(),
                    step.summary().fanOutMillis().p99(), step.summary().fanOutMillis().max(), step.summary().duplicates(),
                    (step.connectFailures().isEmpty() ? "" : "  connect failures " + step.connectFailures())
                        + (step.closedEarly() == 0 ? "" : "  closed during the step " + step.closedEarly())));
                for (int g = 0; g < urls.size(); g++) {
                    Bench.print("  in gateway " + urls.get(g).getAuthority() + ": " + step.inGateways().get(g).describe());
                }
                for (int g = 0; urls.size() > 1 && g < urls.size(); g++) {
                    FanOutTally.Summary own = step.byGateway().get(g);
                    Bench.print(String.format(Locale.ROOT, "  %-23s %7d  %9d (%5.1f%%)  %7.1f / %7.1f / %7.1f / %7.1f   %d   (from the first arrival at this gateway's clients)",
                        urls.get(g).getAuthority(), own.updates(), own.delivered(), 100 * own.deliveredShare(), own.fanOutMillis().p50(),
                        own.fanOutMillis().p90(), own.fanOutMillis().p99(), own.fanOutMillis().max(), own.duplicates()));
                }
            }
        } finally {
            api.close();
            Bench.await(vertx.close(), Duration.ofSeconds(30));
        }
    }

    /**
     * The value of the first field {@code name} in a message, a string's contents or a number's
     * digits, found without parsing the message: each client reads thousands of them per second on
     * the cores the gateway uses too. Null when absent.
     */
    static String field(String message, String name) {
        String marker = "\"" + name + "\":";
        int at = message.indexOf(marker);
        if (at < 0) {
            return null;
        }
        int start = at + marker.length();
        if (start < message.length() && message.charAt(start) == '"') {
            int end = message.indexOf('"', start + 1);
            return end < 0 ? null : message.substring(start + 1, end);
        }
        int end = start;
        while (end < message.length() && (Character.isDigit(message.charAt(end)) || message.charAt(end) == '-')) {
            end++;
        }
        return end == start ? null : message.substring(start, end);
    }

    /** Connects {@code clients}, checks each delivers, places the orders, waits for every client to have every update, disconnects. */
    private Step step(int clients, int orders, long gapMs) {
        long start = System.nanoTime();
        StepRun run = new StepRun(clients);
        run.connectAll();
        int connected = run.sockets.size();
        try {
            // A probe order: every connected client has it before the measured orders, so each subscription is live.
            awaitAll(run.ends, place(), connected);
            List<GatewayFanOut.Histogram> before = urls.stream().map(GatewayFanOut::scrape).toList();
            List<String> placed = new ArrayList<>();
            for (int i = 0; i < orders; i++) {
                String orderId = place();
                run.measured.put(orderId, true);
                placed.add(orderId);
                Bench.pause(Duration.ofMillis(gapMs));
            }
            for (String orderId : placed) {
                awaitAll(run.ends, orderId, connected);
            }
            List<GatewayFanOut.Histogram> inGateways = new ArrayList<>();
            for (int g = 0; g < urls.size(); g++) {
                inGateways.add(GatewayFanOut.scrape(urls.get(g)).since(before.get(g)));
            }
            java.util.function.Predicate<String> ofMeasured = key -> run.measured.containsKey(key.substring(0, key.indexOf('@')));
            Map<String, Integer> incomplete = run.tally.incomplete(connected, ofMeasured);
            if (!incomplete.isEmpty()) {
                System.err.println("updates not received by every client (received by): " + incomplete);
            }
            Map<String, Long> failed = new TreeMap<>();
            run.failures.forEach((why, count) -> failed.put(why, count.sum()));
            List<FanOutTally.Summary> byGateway = new ArrayList<>();
            for (int g = 0; g < urls.size(); g++) {
                int gateway = g;
                long onIt = run.connectedClients.keySet().stream().filter(i -> i % urls.size() == gateway).count();
                byGateway.add(run.perGateway.get(g).summary((int) onIt, ofMeasured));
            }
            return new Step(clients, connected, failed, run.closedEarly.get(), orders, run.tally.summary(connected, ofMeasured), byGateway,
                inGateways, (System.nanoTime() - start) / 1e9);
        } finally {
            run.closeAll();
        }
    }

    /** One step's clients and what they received. */
    private final class StepRun {
        private final int clients;
        private final WebSocketClient client;
        /** Terminal updates of every order (the probe's too), to know when all clients have an order's end. */
        private final FanOutTally ends = new FanOutTally();
        /** Every update of the measured orders, over all clients. */
        private final FanOutTally tally = new FanOutTally();
        /** The same, per gateway (client i is on gateway i mod the gateway count). */
        private final List<FanOutTally> perGateway = urls.stream().map(u -> new FanOutTally()).toList();
        private final Map<String, Boolean> measured = new ConcurrentHashMap<>();
        private final List<WebSocket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
        private final Map<Integer, Boolean> connectedClients = new ConcurrentHashMap<>();
        private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        private final AtomicInteger closedEarly = new AtomicInteger();
        private final AtomicInteger next = new AtomicInteger();

        StepRun(int clients) {
            this.clients = clients;
            this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(clients + 10).setConnectTimeout(30_000));
        }

        /** Connects every client, {@code connectParallel} at a time. */
        void connectAll() {
            List<Future<Void>> lanes = new ArrayList<>();
            for (int lane = 0; lane < Math.min(connectParallel, clients); lane++) {
                Promise<Void> done = Promise.promise();
                connectNext(done);
                lanes.add(done.future());
            }
            Bench.await(Future.all(lanes), SETUP_TIMEOUT.multipliedBy(Math.max(1, clients / 2000)));
        }

        private void connectNext(Promise<Void> lane) {
            int index = next.getAndIncrement();
            if (index >= clients) {
                lane.tryComplete();
                return;
            }
            URI url = urls.get(index % urls.size());
            WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(url.getHost()).setPort(url.getPort()).setURI("/graphql")
                .addSubProtocol("graphql-transport-ws");
            client.connect(options).compose(ws -> subscribe(ws, index)).onComplete(result -> {
                if (result.succeeded()) {
                    sockets.add(result.result());
                    connectedClients.put(index, true);
                } else {
                    failures.computeIfAbsent(String.valueOf(result.cause().getMessage()).replaceAll("[0-9]+", "N"), k -> new LongAdder())
                        .increment();
                }
                connectNext(lane);
            });
        }

        /** Initialises the connection and subscribes; succeeds once the server acknowledged the connection. */
        private Future<WebSocket> subscribe(WebSocket ws, int index) {
            Promise<WebSocket> acknowledged = Promise.promise();
            FanOutTally own = perGateway.get(index % perGateway.size());
            ws.textMessageHandler(text -> {
                long now = System.nanoTime();
                if (text.contains("\"next\"")) {
                    String id = field(text, "orderId");
                    String version = field(text, "version");
                    if (id != null && version != null) {
                        // Every order's updates are kept: a measured order's first ones may come before placeOrder's answer does.
                        String key = id + "@" + version;
                        tally.delivered(index, key, now);
                        if (perGateway.size() > 1) {
                            own.delivered(index, key, now);
                        }
                        String status = field(text, "status");
                        if (status != null && FailureMix.TERMINAL_STATUSES.contains(status)) {
                            ends.delivered(index, id, now);
                        }
                    }
                } else if (text.contains("\"connection_ack\"")) {
                    ws.writeTextMessage(new JsonObject().put("id", "1").put("type", "subscribe").put("payload", new JsonObject()
                        .put("query", UPDATES).put("variables", new JsonObject().put("customerId", customer))).encode());
                    acknowledged.tryComplete(ws);
                } else if (text.contains("\"ping\"")) {
                    ws.writeTextMessage("{\"type\":\"pong\"}");
                }
            });
            ws.closeHandler(v -> {
                if (!acknowledged.tryFail("closed before the server acknowledged it")) {
                    closedEarly.incrementAndGet();
                }
            });
            ws.writeTextMessage(new JsonObject().put("type", "connection_init")
                .put("payload", new JsonObject().put("Authorization", "Bearer " + operator)).encode());
            return acknowledged.future().timeout(30, TimeUnit.SECONDS);
        }

        void closeAll() {
            List<WebSocket> all;
            synchronized (sockets) {
                all = List.copyOf(sockets);
            }
            measured.clear();
            Bench.await(Future.join(all.stream().map(ws -> ws.close().otherwiseEmpty()).toList()).otherwiseEmpty(), Duration.ofSeconds(60));
            Bench.await(client.close(), Duration.ofSeconds(30));
        }
    }

    private String place() {
        JsonObject input = OrderInputs.oneUnit(FailureMix.Kind.SUCCESS, customer, sku);
        return Bench.await(api.data(operator, PLACE_ORDER, new JsonObject().put("input", input)), SETUP_TIMEOUT)
            .getJsonObject("placeOrder").getString("orderId");
    }

    /** Until every one of {@code clients} has the order's terminal update, or the timeout. */
    private void awaitAll(FanOutTally ends, String orderId, int clients) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ends.receivedBy(orderId) < clients && System.nanoTime() < deadline) {
            Bench.pause(Duration.ofMillis(50));
        }
    }

    private static String value(List<String> args, String name, String fallback) {
        int at = args.indexOf(name);
        return at >= 0 && at + 1 < args.size() ? args.get(at + 1) : fallback;
    }
}
