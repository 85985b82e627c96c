package io.sagaway.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One run of the load generator against the platform's public API: tokens, stock and money
 * topped up by the operator, one subscription per customer, a probe order per customer to see
 * updates arrive, then the load (open or closed loop), the drain, and the figures. Everything
 * asynchronous runs on Vert.x event loops; only {@link #execute} blocks, on the caller's thread.
 *
 * <p>With {@code --spread-customers N} the customers are synthetic ({@link Options#spreadCustomerId}):
 * the operator's token places their orders and follows them, on at most {@link #SPREAD_SOCKETS}
 * connections carrying their subscriptions between them, and one probe per connection stands for
 * the customers on it.
 */
final class LoadRun {

    private static final Logger LOG = LoggerFactory.getLogger(LoadRun.class);

    /** The SKUs that orders meant to succeed (or to fail at shipping) ask for, with a number; topped up before the run. */
    static final String STOCKED_SKU = "BENCH-LOAD";
    /** The SKU set to 0 available before the run, so orders of it fail OUT_OF_STOCK. */
    static final String EMPTY_SKU = "BENCH-LOAD-EMPTY";

    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration ERROR_PAUSE = Duration.ofMillis(100);
    private static final long OPEN_LOOP_TICK_MS = 5;
    private static final long LAG_SAMPLE_MS = 500;
    private static final long PROGRESS_MS = 1000;
    /** The most WebSocket connections the subscriptions of {@code --spread-customers} share: customer i is on connection i mod this. */
    static final int SPREAD_SOCKETS = 4;
    /** The most account top-ups of {@code --spread-customers} under way at once. */
    private static final int SPREAD_SETUP_PARALLEL = 16;

    private static final String PLACE_ORDER = "mutation PlaceOrder($input: PlaceOrderInput!) { placeOrder(input: $input) { orderId status } }";
    private static final String ORDER_UPDATES = "subscription OrderUpdates($customerId: ID!) { orderStatusChanged(customerId: $customerId) "
        + "{ orderId status reason } }";
    private static final String PROJECTION_LAG = "{ platformStats { projectionLagMs } }";
    private static final String STOCK = "query Stock($sku: String!) { stock(sku: $sku) { available } }";
    private static final String ADJUST_STOCK = "mutation Adjust($sku: String!, $delta: Int!) { "
        + "adjustStock(sku: $sku, delta: $delta) { available } }";
    private static final String ACCOUNT = "query Account($id: ID!) { account(customerId: $id) { balance } }";
    private static final String CREDIT = "mutation Credit($id: ID!, $amount: Decimal!) { "
        + "creditAccount(customerId: $id, amount: $amount) { balance } }";

    private final Vertx vertx;
    private final GraphQLClient api;
    private final Options options;
    private final List<SubscriptionSocket> sockets = new ArrayList<>();
    private final Map<String, Promise<Void>> probes = new ConcurrentHashMap<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong skuTurn = new AtomicLong();
    /** Whose turn it is among the spread customers, in a closed loop (an open loop takes turns by the order's number). */
    private final AtomicLong customerTurn = new AtomicLong();
    private final AtomicLong budgetLeft;
    private final AtomicBoolean budgetReached = new AtomicBoolean();
    private final Samples projectionLag = new Samples();
    private final AtomicBoolean lagSampleRunning = new AtomicBoolean();
    /** Set when the load starts; updates before that (of probe orders) need no ledger. */
    private volatile OrderLedger ledger;
    private long startNanos;
    private long warmupEndNanos;
    private long loadEndNanos;

    /** Who places orders: the token's customer id, from the issuer. */
    private record Customer(String username, String customerId, String token) {
    }

    /** An order the platform accepted, and its terminal status once seen. */
    private record Accepted(String orderId, Future<String> terminal) {
    }

    LoadRun(Vertx vertx, GraphQLClient api, Options options) {
        this.vertx = vertx;
        this.api = api;
        this.options = options;
        this.budgetLeft = new AtomicLong(options.orderBudget());
    }

    /** Runs it all; blocks the calling thread (never call it on an event loop) until the figures are in, within its deadlines. */
    Report execute(Optional<RawLimits.Figures> rawLimits) {
        String operator = Bench.await(api.token(options.operator().username(), options.operator().password()), SETUP_TIMEOUT);
        List<Customer> customers = options.spreads()
            ? options.spreadCustomerIds().stream().map(id -> new Customer(id, id, operator)).toList()
            : Bench.await(Future.all(options.customers().stream().map(this::customer).toList()), SETUP_TIMEOUT).list();
        List<Customer> probed = options.spreads() ? spreadProbes(customers) : customers;
        topUp(operator, customers, probed.size());
        try {
            if (options.spreads()) {
                subscribeSpread(operator, customers);
            } else {
                for (Customer customer : customers) {
                    sockets.add(Bench.await(subscribe(customer), SETUP_TIMEOUT));
                }
            }
            Bench.await(Future.all(probed.stream().map(this::probe).toList()), options.timeout().plusSeconds(10));
            LOG.info("{} subscriptions deliver{}; load starts: {}", customers.size(),
                options.spreads() ? " (on " + sockets.size() + " connections, " + probed.size() + " probed)" : "", options.describe());
            return load(operator, customers, rawLimits);
        } finally {
            Bench.await(Future.join(sockets.stream().map(SubscriptionSocket::close).toList()).otherwiseEmpty(), Duration.ofSeconds(10));
        }
    }

    // --- before the load ---

    private Future<Customer> customer(Options.Credentials credentials) {
        return api.token(credentials.username(), credentials.password()).compose(token -> {
            String customerId = GraphQLClient.claim(token, "customerId");
            return customerId == null
                ? Future.failedFuture(new IllegalArgumentException(credentials.username() + " is not a customer (no customerId in its token)"))
                : Future.succeededFuture(new Customer(credentials.username(), customerId, token));
        });
    }

    /**
     * As the operator: the empty SKU down to 0 available, and enough stock and money for every
     * order the run may place (its budget, plus the probes), topped up to that, not added on each
     * run. Each customer's money covers the whole budget and a probe; a spread customer's covers
     * its share of the budget ({@link Options#spreadShare}) and a probe.
     */
    private void topUp(String operator, List<Customer> customers, int probes) {
        long orders = options.orderBudget() + probes;
        int available = Bench.await(stockAvailable(operator, EMPTY_SKU), SETUP_TIMEOUT);
        int left = Bench.await(adjustStock(operator, EMPTY_SKU, -available), SETUP_TIMEOUT);
        if (left != 0) {
            throw new IllegalStateException(EMPTY_SKU + " still has " + left + " available after emptying it");
        }
        int needed = (int) Math.min(Options.MAX_ORDER_BUDGET, orders);
        for (int i = 0; i < options.skus(); i++) {
            String sku = stockedSku(i);
            int stocked = Bench.await(stockAvailable(operator, sku), SETUP_TIMEOUT);
            if (stocked < needed) {
                Bench.await(adjustStock(operator, sku, needed - stocked), SETUP_TIMEOUT);
            }
        }
        if (options.spreads()) {
            BigDecimal money = OrderInputs.UNIT_PRICE.multiply(BigDecimal.valueOf(options.spreadShare() + 1));
            // Many accounts: a few top-ups at a time, with time for each, rather than all at once within one deadline.
            Bench.await(inTurn(customers, SPREAD_SETUP_PARALLEL, c -> creditUpTo(operator, c.customerId(), money)),
                SETUP_TIMEOUT.plusMillis(50L * customers.size()));
            LOG.info("{} SKUs {}-* topped up to {} available, {} emptied, the accounts of {} spread customers to at least {} each",
                options.skus(), STOCKED_SKU, needed, EMPTY_SKU, customers.size(), money);
            if (customers.size() > options.orderBudget()) {
                LOG.warn("{} spread customers but a budget of {} orders: the last {} get none", customers.size(), options.orderBudget(),
                    customers.size() - options.orderBudget());
            }
            return;
        }
        BigDecimal money = OrderInputs.UNIT_PRICE.multiply(BigDecimal.valueOf(orders));
        Bench.await(Future.all(customers.stream().map(c -> creditUpTo(operator, c.customerId(), money)).toList()), SETUP_TIMEOUT);
        LOG.info("{} SKUs {}-* topped up to {} available, {} emptied, each customer's account to at least {}", options.skus(), STOCKED_SKU,
            needed, EMPTY_SKU, money);
    }

    /** Runs {@code action} on every item, at most {@code parallel} at a time; fails with the first failure. */
    private static <T> Future<Void> inTurn(List<T> items, int parallel, Function<T, Future<?>> action) {
        AtomicInteger next = new AtomicInteger();
        List<Future<Void>> lanes = new ArrayList<>();
        for (int i = 0; i < Math.min(parallel, items.size()); i++) {
            Promise<Void> lane = Promise.promise();
            nextInTurn(items, next, action, lane);
            lanes.add(lane.future());
        }
        return Future.all(lanes).mapEmpty();
    }

    private static <T> void nextInTurn(List<T> items, AtomicInteger next, Function<T, Future<?>> action, Promise<Void> lane) {
        int index = next.getAndIncrement();
        if (index >= items.size() || lane.future().isComplete()) {
            lane.tryComplete();
            return;
        }
        action.apply(items.get(index)).onComplete(done -> nextInTurn(items, next, action, lane), lane::tryFail);
    }

    private Future<Integer> stockAvailable(String operator, String sku) {
        return api.data(operator, STOCK, new JsonObject().put("sku", sku))
            .map(data -> data.getJsonObject("stock") == null ? 0 : data.getJsonObject("stock").getInteger("available"));
    }

    private Future<Integer> adjustStock(String operator, String sku, int delta) {
        return api.data(operator, ADJUST_STOCK, new JsonObject().put("sku", sku).put("delta", delta))
            .map(data -> data.getJsonObject("adjustStock").getInteger("available"));
    }

    private Future<Void> creditUpTo(String operator, String customerId, BigDecimal target) {
        return api.data(operator, ACCOUNT, new JsonObject().put("id", customerId))
            .map(data -> data.getJsonObject("account") == null ? BigDecimal.ZERO : new BigDecimal(data.getJsonObject("account").getString("balance")))
            .compose(balance -> balance.compareTo(target) >= 0 ? Future.succeededFuture()
                : api.data(operator, CREDIT, new JsonObject().put("id", customerId).put("amount", target.subtract(balance).toPlainString()))
                    .mapEmpty());
    }

    /** The customer's own connection and subscription to every status change of their orders. */
    private Future<SubscriptionSocket> subscribe(Customer customer) {
        return SubscriptionSocket.open(vertx, options.url(), customer.token(), SETUP_TIMEOUT)
            .compose(socket -> socket.subscribe(customer.customerId(), ORDER_UPDATES, new JsonObject().put("customerId", customer.customerId()),
                payload -> onUpdate(customer.username(), payload),
                why -> trouble("subscription of " + customer.username() + " ended: " + why)).map(socket));
    }

    /**
     * The operator's connections (at most {@link #SPREAD_SOCKETS}), the spread customers shared
     * among them in turn, each connection carrying one {@code orderStatusChanged(customerId:)}
     * subscription per customer on it. Troubles are named by connection, so a connection that
     * closes counts as one kind of error, however many subscriptions it carried.
     */
    private void subscribeSpread(String operator, List<Customer> customers) {
        int connections = Math.min(customers.size(), SPREAD_SOCKETS);
        for (int s = 0; s < connections; s++) {
            String label = "the spread customers' connection " + (s + 1);
            List<Customer> onIt = new ArrayList<>();
            for (int i = s; i < customers.size(); i += connections) {
                onIt.add(customers.get(i));
            }
            sockets.add(Bench.await(SubscriptionSocket.open(vertx, options.url(), operator, SETUP_TIMEOUT)
                .compose(socket -> Future.all(onIt.stream().map(customer -> socket.subscribe(customer.customerId(), ORDER_UPDATES,
                        new JsonObject().put("customerId", customer.customerId()), payload -> onUpdate(label, payload),
                        why -> trouble("subscription on " + label + " ended: " + why))).toList())
                    .map(socket)), SETUP_TIMEOUT));
        }
    }

    /**
     * The spread customers whose probe orders stand for the rest: on each connection, the one
     * subscribed last, so its update arriving shows the connection delivers once all its
     * subscriptions were sent. Cheap: at most {@link #SPREAD_SOCKETS} orders.
     */
    static <T> List<T> spreadProbes(List<T> customers) {
        int connections = Math.min(customers.size(), SPREAD_SOCKETS);
        List<T> probed = new ArrayList<>();
        for (int s = 0; s < connections; s++) {
            probed.add(customers.get(s + (customers.size() - 1 - s) / connections * connections));
        }
        return probed;
    }

    /**
     * One order per customer, before the load, until any update of it arrives: the fan-out
     * subscribes from the latest offset, so this shows each subscription is live before the
     * first measured order.
     */
    private Future<Void> probe(Customer customer) {
        return api.data(customer.token(), PLACE_ORDER, orderInput(customer, FailureMix.Kind.SUCCESS))
            .compose(data -> probes.computeIfAbsent(data.getJsonObject("placeOrder").getString("orderId"), id -> Promise.promise()).future())
            .timeout(options.timeout().toMillis(), TimeUnit.MILLISECONDS)
            .recover(e -> Future.failedFuture(new IllegalStateException("the probe order of " + customer.username()
                + " was refused or did not show on its subscription within " + options.timeout().toSeconds() + " s: " + e.getMessage(), e)));
    }

    /** An update on the subscription of {@code subscriber} (a customer's name, or a spread connection's). */
    private void onUpdate(String subscriber, JsonObject payload) {
        JsonObject data = payload.getJsonObject("data");
        JsonObject update = data == null ? null : data.getJsonObject("orderStatusChanged");
        if (update == null) {
            trouble("subscription of " + subscriber + ": " + Optional.ofNullable(GraphQLClient.errorCode(payload)).orElse("no data"));
            return;
        }
        String orderId = update.getString("orderId");
        Promise<Void> probe = probes.get(orderId);
        if (probe != null) {
            probe.tryComplete();
            return;
        }
        OrderLedger current = ledger;
        if (current != null) {
            current.update(orderId, update.getString("status"), update.getString("reason"), System.nanoTime());
        }
    }

    private void trouble(String what) {
        OrderLedger current = ledger;
        if (current != null) {
            current.connectionTrouble(what);
        } else {
            LOG.warn("{}", what);
        }
    }

    // --- the load ---

    private Report load(String operator, List<Customer> customers, Optional<RawLimits.Figures> rawLimits) {
        startNanos = System.nanoTime();
        warmupEndNanos = startNanos + options.warmup().toNanos();
        loadEndNanos = startNanos + options.duration().toNanos();
        ledger = new OrderLedger(warmupEndNanos, loadEndNanos);
        long progressTimer = vertx.setPeriodic(PROGRESS_MS, new ProgressLine()::print);
        long lagTimer = vertx.setPeriodic(LAG_SAMPLE_MS, id -> sampleProjectionLag(operator));
        AtomicReference<ProcessCpu.Snapshot> steadyStart = new AtomicReference<>();
        long cpuTimer = vertx.setTimer(Math.max(1, options.warmup().toMillis()),
            id -> vertx.executeBlocking(ProcessCpu::snapshot).onSuccess(steadyStart::set));
        Optional<ProcessCpu.Usage> cpu = Optional.empty();
        try {
            Future<Void> loadDone = switch (options.load()) {
                case Options.FixedRate rate -> openLoop(rate.perSecond(), customers);
                case Options.Clients clients -> closedLoop(clients.count(), customers);
            };
            Bench.await(loadDone, options.duration().plus(options.timeout()).plusSeconds(60));
            ProcessCpu.Snapshot steadyEnd = ProcessCpu.snapshot();
            cpu = Optional.ofNullable(steadyStart.get()).map(start -> ProcessCpu.between(start, steadyEnd));
            drain();
        } finally {
            vertx.cancelTimer(cpuTimer);
            vertx.cancelTimer(progressTimer);
            vertx.cancelTimer(lagTimer);
        }
        double steadySeconds = options.steadyState().toNanos() / 1e9;
        OrderLedger.Totals totals = ledger.totals();
        return new Report(options.url(), options.describe(), rawLimits, totals, totals.completedInSteadyState() / steadySeconds,
            projectionLag.distribution(), options.timeout(), options.orderBudget(), budgetReached.get(), cpu);
    }

    /** Orders due at a fixed rate from the start, sent when due whatever the platform's pace; ticks catch up on any that came due. */
    private Future<Void> openLoop(double perSecond, List<Customer> customers) {
        Promise<Void> done = Promise.promise();
        AtomicLong sent = new AtomicLong();
        vertx.setPeriodic(1, OPEN_LOOP_TICK_MS, timer -> {
            long now = System.nanoTime();
            if (now >= loadEndNanos) {
                vertx.cancelTimer(timer);
                done.tryComplete();
                return;
            }
            long dueByNow = (long) ((now - startNanos) * perSecond / 1e9) + 1;
            while (sent.get() < dueByNow && takeFromBudget()) {
                long n = sent.getAndIncrement();
                place(customers.get((int) (n % customers.size())), startNanos + (long) (n * 1e9 / perSecond));
            }
        });
        return done.future();
    }

    /**
     * Each client places an order, waits for its terminal status (at most the timeout), and places
     * the next, until the load ends. A client is one of the customers; with spread customers, each
     * order goes to the next of them in turn, whichever client places it.
     */
    private Future<Void> closedLoop(int clients, List<Customer> customers) {
        List<Future<Void>> lanes = new ArrayList<>();
        Context context = vertx.getOrCreateContext();
        for (int i = 0; i < clients; i++) {
            Customer own = customers.get(i % customers.size());
            Supplier<Customer> customer = options.spreads()
                ? () -> customers.get((int) (customerTurn.getAndIncrement() % customers.size())) : () -> own;
            Promise<Void> lane = Promise.promise();
            context.runOnContext(v -> nextOrder(context, customer, lane));
            lanes.add(lane.future());
        }
        return Future.all(lanes).mapEmpty();
    }

    /** The client's next order; every step of the client runs on {@code context} (the terminal status arrives on a socket's). */
    private void nextOrder(Context context, Supplier<Customer> customer, Promise<Void> lane) {
        long now = System.nanoTime();
        if (now >= loadEndNanos || !takeFromBudget()) {
            lane.tryComplete();
            return;
        }
        place(customer.get(), now)
            .compose(accepted -> accepted.terminal().timeout(options.timeout().toMillis(), TimeUnit.MILLISECONDS).otherwiseEmpty())
            .onComplete(finished -> context.runOnContext(v -> nextOrder(context, customer, lane)),
                // A refused order comes back at once: pause so a client cannot spin on an error.
                refused -> context.runOnContext(v -> vertx.setTimer(ERROR_PAUSE.toMillis(), t -> nextOrder(context, customer, lane))));
    }

    private boolean takeFromBudget() {
        if (budgetLeft.getAndDecrement() > 0) {
            return true;
        }
        budgetReached.set(true);
        return false;
    }

    /** Places the next order of the mix for {@code customer}, due at {@code dueNanos}; fails when it was refused or got no answer. */
    private Future<Accepted> place(Customer customer, long dueNanos) {
        FailureMix.Kind kind = options.mix().kindOf(sequence.getAndIncrement());
        OrderLedger orders = ledger;
        orders.placed();
        return api.data(customer.token(), PLACE_ORDER, orderInput(customer, kind))
            .onFailure(e -> {
                if (e instanceof GraphQLClient.GraphQLError refused) {
                    orders.refused(refused.code());
                } else {
                    orders.transportFailed(e.getMessage());
                }
            })
            .compose(data -> {
                String orderId = data == null || data.getJsonObject("placeOrder") == null ? null
                    : data.getJsonObject("placeOrder").getString("orderId");
                if (orderId == null) {
                    orders.transportFailed("an answer without an order id");
                    return Future.failedFuture(new GraphQLClient.TransportFailure("an answer without an order id"));
                }
                return Future.succeededFuture(new Accepted(orderId, orders.accepted(orderId, kind, dueNanos, System.nanoTime())));
            });
    }

    static String stockedSku(int index) {
        return STOCKED_SKU + "-" + index;
    }

    /** An order of one unit: the kind decides the SKU (stocked ones in turn) and the country. */
    private JsonObject orderInput(Customer customer, FailureMix.Kind kind) {
        String sku = kind == FailureMix.Kind.OUT_OF_STOCK ? EMPTY_SKU : stockedSku((int) (skuTurn.getAndIncrement() % options.skus()));
        return new JsonObject().put("input", OrderInputs.oneUnit(kind, customer.customerId(), sku).put("waitFor", "ACCEPTED"));
    }

    /** Waits, within the timeout after the load, for every order to be answered and every accepted one to finish. */
    private void drain() {
        long deadline = loadEndNanos + options.timeout().toNanos();
        while (!ledger.settled() && System.nanoTime() < deadline) {
            Bench.pause(Duration.ofMillis(100));
        }
    }

    /** During the steady state, {@code platformStats.projectionLagMs} as the operator sees it; a sample is skipped while the last is out. */
    private void sampleProjectionLag(String operator) {
        long now = System.nanoTime();
        if (now < warmupEndNanos || now >= loadEndNanos || !lagSampleRunning.compareAndSet(false, true)) {
            return;
        }
        api.data(operator, PROJECTION_LAG)
            .onSuccess(data -> projectionLag.add(data.getJsonObject("platformStats").getDouble("projectionLagMs")))
            .onFailure(e -> ledger.connectionTrouble("projection lag sample: " + e.getMessage()))
            .onComplete(done -> lagSampleRunning.set(false));
    }

    /** One line a second on standard error while the run lasts; the rates are of the last second. */
    private final class ProgressLine {
        private OrderLedger.Progress last = new OrderLedger.Progress(0, 0, 0, 0, 0);
        private long lastNanos = startNanos;

        void print(long timer) {
            long now = System.nanoTime();
            OrderLedger.Progress progress = ledger.progress();
            double seconds = (now - lastNanos) / 1e9;
            LOG.info(String.format(Locale.ROOT, "%5.1f s%s  placed %d  accepted %d  completed %d  in flight %d  errors %d  "
                    + "rate %.1f placed/s %.1f completed/s", (now - startNanos) / 1e9, phase(now), progress.placed(), progress.accepted(),
                progress.completed(), progress.inFlight(), progress.errors(), (progress.placed() - last.placed()) / seconds,
                (progress.completed() - last.completed()) / seconds));
            last = progress;
            lastNanos = now;
        }

        private String phase(long now) {
            return now < warmupEndNanos ? " warm-up" : now < loadEndNanos ? " steady " : " drain  ";
        }
    }
}
