package io.sagaway.chaos;

import io.sagaway.bench.Bench;
import io.sagaway.bench.FailureMix;
import io.sagaway.bench.GraphQLClient;
import io.sagaway.bench.OrderInputs;
import io.sagaway.bench.SubscriptionSocket;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;

/**
 * The steady load of a chaos run, through the public API only, as a careful client would send it:
 * every order carries an idempotency key, and an order without an answer, or refused as
 * UNAVAILABLE, CONFLICT or INTERNAL, is sent again with the same key through the next gateway,
 * after a pause that doubles from 0.5 s up to 4 s, until it is accepted or {@link #ACCEPT_WINDOW}
 * has passed. Customers follow their orders on one
 * WebSocket per gateway; a connection that drops is opened again, on its gateway or the next one,
 * and the gap is recorded. Everything a client learns is recorded for the invariants.
 */
final class ChaosLoad {

    /** How long a client keeps sending an order again before it gives up on it. */
    static final Duration ACCEPT_WINDOW = Duration.ofSeconds(120);
    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);
    private static final Duration MAX_RETRY_PAUSE = Duration.ofSeconds(4);
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(120);
    private static final Set<String> RETRIED_CODES = Set.of("UNAVAILABLE", "CONFLICT", "INTERNAL");

    private static final String PLACE_ORDER = "mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { orderId } }";
    private static final String ORDER_UPDATES = "subscription Updates($customerId: ID!) { orderStatusChanged(customerId: $customerId) "
        + "{ orderId status version reason } }";
    private static final String ADJUST_STOCK = "mutation Adjust($sku: String!, $delta: Int!) { adjustStock(sku: $sku, delta: $delta) { available } }";
    private static final String CREDIT = "mutation Credit($id: ID!, $amount: Decimal!) { creditAccount(customerId: $id, amount: $amount) { balance } }";

    private final Vertx vertx;
    private final ChaosOptions options;
    private final List<URI> gateways;
    private final List<GraphQLClient> apis;
    private final String runId;
    private final Consumer<String> say;
    private final FailureMix mix;
    private String operator;

    private final List<ClientOrder> orders = new CopyOnWriteArrayList<>();
    private final Map<String, List<Seen>> seen = new ConcurrentHashMap<>();
    private final Map<String, Long> terminalSeenNanos = new ConcurrentHashMap<>();
    private final List<Reconnect> reconnects = new CopyOnWriteArrayList<>();
    private final List<Refusal> refusals = new CopyOnWriteArrayList<>();
    private final Map<Integer, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final AtomicInteger epochs = new AtomicInteger();
    private final List<Lane> lanes = new ArrayList<>();
    private final Map<String, BigDecimal> funded = new LinkedHashMap<>();
    private final Map<String, Integer> stocked = new LinkedHashMap<>();
    private volatile boolean closing;

    /** An order as the client knows it; mutable fields are written on event loops and read after the run. */
    static final class ClientOrder {
        final long sequence;
        final String idempotencyKey;
        final String customerId;
        final FailureMix.Kind kind;
        final long firstTryNanos;
        volatile String orderId;
        volatile long acceptedNanos;
        volatile int attempts;
        volatile String refusedCode;
        /** Set when two answers for the one key named different orders. */
        volatile String otherOrderId;

        ClientOrder(long sequence, String idempotencyKey, String customerId, FailureMix.Kind kind, long firstTryNanos) {
            this.sequence = sequence;
            this.idempotencyKey = idempotencyKey;
            this.customerId = customerId;
            this.kind = kind;
            this.firstTryNanos = firstTryNanos;
        }
    }

    /** An attempt at an order that came back without it, and was sent again: sent at {@code sentNanos} to {@code gateway}, and why it failed. */
    /** An attempt refused or left without an answer: sent at {@code sentNanos}, its answer (or giving up) at {@code answeredNanos}. */
    record Refusal(long sentNanos, long answeredNanos, String reason, URI gateway) {
    }

    /**
     * One subscription connection: which customers it follows, from when it was subscribed until it
     * dropped ({@code Long.MAX_VALUE} while it stays open).
     */
    record Subscription(int epoch, Set<String> customers, long openedNanos, long closedNanos) {
    }

    /** One update a subscriber saw: {@code epoch} names the subscription (a new one after each reconnect). */
    record Seen(int epoch, int version, String status, long seenNanos) {
    }

    /** A subscriber connection that dropped and was served again: by which gateway, and after how long. */
    record Reconnect(URI from, URI to, long closedNanos, long servedNanos) {
        double seconds() {
            return (servedNanos - closedNanos) / 1e9;
        }
    }

    /** One WebSocket and the customers it follows. */
    private final class Lane {
        final int home;
        final List<String> customers = new ArrayList<>();
        volatile SubscriptionSocket socket;
        volatile boolean reconnecting;
        volatile int epoch;

        Lane(int home) {
            this.home = home;
        }
    }

    ChaosLoad(Vertx vertx, ChaosOptions options, List<URI> gateways, String runId, Consumer<String> say) {
        this.vertx = vertx;
        this.options = options;
        this.gateways = List.copyOf(gateways);
        this.apis = gateways.stream().map(url -> GraphQLClient.create(vertx, url, 32)).toList();
        this.runId = runId;
        this.say = say;
        this.mix = new FailureMix(options.shipFailPercent(), options.outOfStockPercent());
    }

    String customerId(int index) {
        return "chaos-" + runId + "-c" + index;
    }

    String stockedSku(int index) {
        return "CHAOS-" + runId + "-" + index;
    }

    String emptySku() {
        return "CHAOS-" + runId + "-EMPTY";
    }

    /** The orders the run may place: its rate over its duration. */
    long budget() {
        return (long) Math.ceil(options.rate() * options.maxDuration().toSeconds());
    }

    /** Before any fault: the operator's token, each customer's account and each SKU's stock, then the subscriptions. */
    void prepare() {
        operator = await(apis.get(0).token("admin", "admin"));
        long share = budget() / options.customers() + 10;
        BigDecimal money = OrderInputs.UNIT_PRICE.multiply(BigDecimal.valueOf(share));
        for (int i = 0; i < options.customers(); i++) {
            String customer = customerId(i);
            JsonObject account = await(apis.get(0).data(operator, CREDIT, new JsonObject().put("id", customer).put("amount", money.toPlainString())));
            BigDecimal balance = new BigDecimal(account.getJsonObject("creditAccount").getString("balance"));
            if (balance.compareTo(money) != 0) {
                throw new IllegalStateException(customer + " has " + balance + " after a first credit of " + money + ": not a fresh account");
            }
            funded.put(customer, money);
        }
        int stock = (int) (budget() / options.skus() + 10);
        for (int i = 0; i < options.skus(); i++) {
            int available = await(apis.get(0).data(operator, ADJUST_STOCK, new JsonObject().put("sku", stockedSku(i)).put("delta", stock)))
                .getJsonObject("adjustStock").getInteger("available");
            if (available != stock) {
                throw new IllegalStateException(stockedSku(i) + " has " + available + " after a first adjustment of " + stock + ": not a fresh SKU");
            }
            stocked.put(stockedSku(i), stock);
        }
        // The empty SKU exists, with nothing available: its orders fail OUT_OF_STOCK.
        await(apis.get(0).data(operator, ADJUST_STOCK, new JsonObject().put("sku", emptySku()).put("delta", 1)));
        await(apis.get(0).data(operator, ADJUST_STOCK, new JsonObject().put("sku", emptySku()).put("delta", -1)));
        stocked.put(emptySku(), 0);
        for (int g = 0; g < gateways.size(); g++) {
            lanes.add(new Lane(g));
        }
        for (int i = 0; i < options.customers(); i++) {
            lanes.get(i % lanes.size()).customers.add(customerId(i));
        }
        for (Lane lane : lanes) {
            lane.socket = await(connect(lane, lane.home));
        }
        say.accept(options.customers() + " customers funded with " + money + " each, " + options.skus() + " SKUs stocked with " + stock
            + " each; subscriptions open on " + lanes.size() + " gateways");
        probe();
    }

    /**
     * One order per subscriber connection, placed and seen to finish before the load: every role
     * has joined its consumer groups and every connection delivers before the first fault. The
     * probes are orders like the others and are checked with them.
     */
    private void probe() {
        long start = System.nanoTime();
        List<ClientOrder> probes = new ArrayList<>();
        for (Lane lane : lanes) {
            ClientOrder probe = new ClientOrder(-1 - lane.home, runId + "-probe-" + lane.home, lane.customers.get(0),
                FailureMix.Kind.SUCCESS, start);
            orders.add(probe);
            probes.add(probe);
            send(probe, lane.home);
        }
        long deadline = start + PROBE_TIMEOUT.toNanos();
        while (probes.stream().anyMatch(p -> p.orderId == null || !terminalSeenNanos.containsKey(p.orderId))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the probe orders did not finish on their subscriptions within " + PROBE_TIMEOUT.toSeconds()
                    + " s: " + probes.stream().map(p -> p.orderId + (p.refusedCode == null ? "" : " refused " + p.refusedCode)).toList());
            }
            Bench.pause(Duration.ofMillis(100));
        }
        say.accept(String.format(java.util.Locale.ROOT, "%d probe orders finished and seen in %.1f s: the platform flows", probes.size(),
            (System.nanoTime() - start) / 1e9));
    }

    /** Places orders at the run's rate until {@code ended} says so; returns at once, the placing runs on an event loop. */
    Future<Void> run(long startNanos, LongPredicate ended) {
        io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
        AtomicLong sent = new AtomicLong();
        long budget = budget();
        vertx.setPeriodic(1, 5, timer -> {
            long now = System.nanoTime();
            if (ended.test(now) || sent.get() >= budget) {
                vertx.cancelTimer(timer);
                done.tryComplete();
                return;
            }
            long dueByNow = Math.min(budget, (long) ((now - startNanos) * options.rate() / 1e9) + 1);
            while (sent.get() < dueByNow) {
                long n = sent.getAndIncrement();
                FailureMix.Kind kind = mix.kindOf(n);
                ClientOrder order = new ClientOrder(n, runId + "-" + n, customerId((int) (n % options.customers())), kind, now);
                orders.add(order);
                send(order, (int) (n % apis.size()));
            }
        });
        return done.future();
    }

    /** Whether every order has been accepted or given up on. */
    boolean answered() {
        return orders.stream().allMatch(o -> o.orderId != null || o.refusedCode != null);
    }

    private void send(ClientOrder order, int gateway) {
        order.attempts++;
        long sentNanos = System.nanoTime();
        apis.get(gateway).data(operator, PLACE_ORDER, orderInput(order)).onComplete(result -> {
            if (result.succeeded()) {
                String orderId = result.result().getJsonObject("placeOrder").getString("orderId");
                if (order.orderId != null && !order.orderId.equals(orderId)) {
                    order.otherOrderId = orderId;
                }
                if (order.orderId == null) {
                    order.orderId = orderId;
                    order.acceptedNanos = System.nanoTime();
                }
                return;
            }
            Throwable failure = result.cause();
            String reason = failure instanceof GraphQLClient.GraphQLError error ? error.code()
                : "no answer (" + failure.getMessage() + ")";
            boolean retried = !(failure instanceof GraphQLClient.GraphQLError error) || RETRIED_CODES.contains(error.code());
            if (!retried || System.nanoTime() - order.firstTryNanos > ACCEPT_WINDOW.toNanos() || closing) {
                order.refusedCode = reason;
                return;
            }
            refusals.add(new Refusal(sentNanos, System.nanoTime(), reason, gateways.get(gateway)));
            // Backing off, as a careful client does: a platform that is down is not flooded by every waiting order at once.
            long pause = Math.min(RETRY_PAUSE.toMillis() << Math.min(order.attempts - 1, 4), MAX_RETRY_PAUSE.toMillis());
            vertx.setTimer(pause, t -> send(order, (gateway + 1) % apis.size()));
        });
    }

    private JsonObject orderInput(ClientOrder order) {
        String sku = order.kind == FailureMix.Kind.OUT_OF_STOCK ? emptySku() : stockedSku((int) Math.floorMod(order.sequence, (long) options.skus()));
        return new JsonObject().put("input", OrderInputs.oneUnit(order.kind, order.customerId, sku)
            .put("idempotencyKey", order.idempotencyKey)
            .put("waitFor", "ACCEPTED"));
    }

    // --- subscriptions ---

    private Future<SubscriptionSocket> connect(Lane lane, int gateway) {
        int epoch = epochs.incrementAndGet();
        return SubscriptionSocket.open(vertx, gateways.get(gateway), operator, Duration.ofSeconds(5))
            .compose(socket -> Future.all(lane.customers.stream().map(customer -> socket.subscribe(customer + "#" + epoch, ORDER_UPDATES,
                    new JsonObject().put("customerId", customer), payload -> onUpdate(epoch, payload), why -> dropped(lane, gateway))).toList())
                .map(socket))
            .onSuccess(socket -> {
                lane.epoch = epoch;
                subscriptions.put(epoch, new Subscription(epoch, Set.copyOf(lane.customers), System.nanoTime(), Long.MAX_VALUE));
            });
    }

    private void onUpdate(int epoch, JsonObject payload) {
        JsonObject data = payload.getJsonObject("data");
        JsonObject update = data == null ? null : data.getJsonObject("orderStatusChanged");
        if (update == null) {
            return;
        }
        long now = System.nanoTime();
        String orderId = update.getString("orderId");
        String status = update.getString("status");
        seen.computeIfAbsent(orderId, id -> Collections.synchronizedList(new ArrayList<>()))
            .add(new Seen(epoch, update.getInteger("version"), status, now));
        if (FailureMix.TERMINAL_STATUSES.contains(status)) {
            terminalSeenNanos.putIfAbsent(orderId, now);
        }
    }

    /** The connection of {@code lane} ended: open it again, on its gateway first, then the next ones in turn, until one serves it. */
    private void dropped(Lane lane, int gateway) {
        if (closing || lane.reconnecting) {
            return;
        }
        lane.reconnecting = true;
        long closedNanos = System.nanoTime();
        subscriptions.computeIfPresent(lane.epoch, (epoch, open) -> new Subscription(epoch, open.customers(), open.openedNanos(), closedNanos));
        // Whatever ended one subscription, the lane starts over on a new connection: the old one goes, with its other subscriptions.
        if (lane.socket != null) {
            lane.socket.close();
        }
        reconnect(lane, gateway, gateway, closedNanos);
    }

    private void reconnect(Lane lane, int from, int attempt, long closedNanos) {
        if (closing) {
            return;
        }
        connect(lane, attempt).onComplete(result -> {
            if (result.succeeded()) {
                lane.socket = result.result();
                lane.reconnecting = false;
                reconnects.add(new Reconnect(gateways.get(from), gateways.get(attempt), closedNanos, System.nanoTime()));
            } else {
                vertx.setTimer(250, t -> reconnect(lane, from, (attempt + 1) % gateways.size(), closedNanos));
            }
        });
    }

    // --- what the run learned ---

    List<ClientOrder> orders() {
        return List.copyOf(orders);
    }

    Map<String, List<Seen>> seen() {
        Map<String, List<Seen>> copy = new LinkedHashMap<>();
        seen.forEach((id, list) -> {
            synchronized (list) {
                copy.put(id, List.copyOf(list));
            }
        });
        return copy;
    }

    Map<String, Long> terminalSeenNanos() {
        return Map.copyOf(terminalSeenNanos);
    }

    List<Reconnect> reconnects() {
        return List.copyOf(reconnects);
    }

    List<Subscription> subscriptions() {
        return List.copyOf(subscriptions.values());
    }

    List<Refusal> refusals() {
        return List.copyOf(refusals);
    }

    /** The attempts sent again, by why and by the gateway that answered so. */
    Map<String, Long> retriesByReason() {
        return refusals.stream().collect(Collectors.groupingBy(
            r -> r.reason() + " from :" + r.gateway().getPort(), java.util.TreeMap::new, Collectors.counting()));
    }

    Map<String, BigDecimal> funded() {
        return Map.copyOf(funded);
    }

    Map<String, Integer> stocked() {
        return Map.copyOf(stocked);
    }

    String operatorToken() {
        return operator;
    }

    GraphQLClient api(int gateway) {
        return apis.get(gateway % apis.size());
    }

    int gatewayCount() {
        return apis.size();
    }

    void close() {
        closing = true;
        for (Lane lane : lanes) {
            if (lane.socket != null) {
                lane.socket.close();
            }
        }
        apis.forEach(GraphQLClient::close);
    }

    static <T> T await(Future<T> future) {
        return Bench.await(future, SETUP_TIMEOUT);
    }
}
