package io.sagaway.bench;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a load-generator run does, from its command line ({@link #parse}); {@link #USAGE} lists
 * the options. {@code --smoke} changes the defaults to a short run with a failure mix; options
 * given beside it still win.
 *
 * @param url         the platform, e.g. {@code http://localhost:8080}
 * @param load        a fixed arrival rate (open loop) or a number of clients (closed loop)
 * @param duration    the whole load phase, warm-up included
 * @param warmup      the first part of {@code duration}, left out of the steady-state figures
 * @param timeout     how long an accepted order may take to reach a terminal status; also bounds the drain after the load
 * @param customers   who places the orders (each with their own token, subscription and share of the orders); empty when
 *                    {@code spreadCustomers} is given
 * @param operator    who tops up stock and accounts, and samples the projection lag
 * @param rawPhase    how long each raw limit is measured, or null to skip them
 * @param connections HTTP connections kept open to the platform (a closed loop uses at least one per client)
 * @param skus        how many stocked SKUs the orders spread over: one SKU makes every reservation wait for the same row lock
 * @param spreadCustomers how many synthetic customers ({@link #spreadCustomerId}) the operator places the orders for, round
 *                    robin, instead of {@code customers}; 0 when {@code customers} place them
 */
record Options(URI url, Load load, Duration duration, Duration warmup, Duration timeout, FailureMix mix, List<Credentials> customers,
               Credentials operator, Duration rawPhase, int connections, boolean smoke, int skus, int spreadCustomers) {

    /** The most sagas a closed-loop client is assumed able to finish per second; bounds the orders (and so the stock and money) of a run. */
    static final int CLOSED_LOOP_CEILING_PER_CLIENT = 100;
    /** adjustStock takes at most a billion at a time, and the stock is topped up in one. */
    static final long MAX_ORDER_BUDGET = 1_000_000_000L;
    /**
     * The most synthetic customers of {@code --spread-customers}: each is an account topped up and a
     * subscription the gateway tests every order update against (and ends one by one when the
     * connection closes), so many more would measure the fan-out rather than the sagas.
     */
    static final int MAX_SPREAD_CUSTOMERS = 10_000;
    /** The synthetic customers' ids: {@code load-c001}, {@code load-c002}... (the same names every run, so their accounts are reused). */
    static final String SPREAD_CUSTOMER_PREFIX = "load-c";

    static final String USAGE = """
        deployment/scripts/bench.sh load [options]   (against a running platform, e.g. ./run.sh)
          --url URL              the platform (default http://localhost:8080)
          --rate N               open loop: N orders per second, whatever the platform's pace (default 20)
          --clients N            closed loop instead: N clients, each placing its next order when the last one finished
          --duration S           seconds of load in all, warm-up included (default 60)
          --warmup S             the first S seconds, left out of the steady-state figures (default 10)
          --timeout S            how long an order may take from accepted to SHIPPED/FAILED/CANCELLED (default 60)
          --ship-fail PCT        percent of orders shipped to an unserved country: fail ADDRESS_REJECTED (default 0)
          --out-of-stock PCT     percent of orders of a SKU without stock: fail OUT_OF_STOCK (default 0)
          --customers LIST       name[:password],... who place the orders (default alice:alice,bob:bob)
          --spread-customers N   instead of --customers: the operator places the orders, round robin, for N synthetic
                                 customers load-c001..load-cNNN (1 to 10000), funding each one's account for its share
                                 first and following them on a few WebSocket connections; with --skus 1 and N = 1,
                                 a flash sale on one hot account and stock row
          --operator NAME[:PW]   the operator who tops up stock and accounts (default admin:admin)
          --raw-seconds S        seconds per raw-limit measure: PostgreSQL, Kafka, Elasticsearch (default 10)
          --no-raw               skip the raw limits
          --connections N        HTTP connections to the platform (default 64)
          --skus N               stocked SKUs the orders spread over, round robin (default 16; 1 = one hot stock row)
          --smoke                a short run: 5 s at 5 orders/s (1 s warm-up), 20% ship-fail, 20% out-of-stock,
                                 raw limits 2 s each, 30 s timeout
        """;

    private static final Set<String> SWITCHES = Set.of("--smoke", "--no-raw");
    private static final Set<String> VALUED = Set.of("--url", "--rate", "--clients", "--duration", "--warmup", "--timeout", "--ship-fail",
        "--out-of-stock", "--customers", "--operator", "--raw-seconds", "--connections", "--skus", "--spread-customers");

    private static final String CUSTOMER_CONFLICT = "--customers (customers placing orders with their own tokens) and --spread-customers "
        + "(synthetic customers the operator places orders for) exclude each other: give one of them";

    /** How orders arrive. */
    sealed interface Load permits FixedRate, Clients {
    }

    /** Open loop: orders are due at a fixed rate, whether or not the earlier ones are done. */
    record FixedRate(double perSecond) implements Load {
    }

    /** Closed loop: each client places its next order once its last one reached a terminal status (or timed out). */
    record Clients(int count) implements Load {
    }

    record Credentials(String username, String password) {
        /** {@code name:password}, or {@code name} alone for the development users, whose password is their name. */
        static Credentials parse(String text) {
            String[] parts = text.trim().split(":", 2);
            if (parts[0].isBlank()) {
                throw new IllegalArgumentException("'" + text + "' names no user");
            }
            return new Credentials(parts[0], parts.length > 1 ? parts[1] : parts[0]);
        }
    }

    /** The defaults of a run, and of a smoke run. */
    private record Defaults(double rate, int durationSeconds, int warmupSeconds, int timeoutSeconds, double shipFail, double outOfStock,
                            int rawSeconds) {
    }

    private static final Defaults FULL = new Defaults(20, 60, 10, 60, 0, 0, 10);
    private static final Defaults SMOKE = new Defaults(5, 5, 1, 30, 20, 20, 2);

    Options {
        customers = List.copyOf(customers);
        if (spreadCustomers < 0 || spreadCustomers > MAX_SPREAD_CUSTOMERS) {
            throw new IllegalArgumentException("--spread-customers must be 1 to " + MAX_SPREAD_CUSTOMERS);
        }
        if (spreadCustomers > 0 && !customers.isEmpty()) {
            throw new IllegalArgumentException(CUSTOMER_CONFLICT);
        }
        if (spreadCustomers == 0 && customers.isEmpty()) {
            throw new IllegalArgumentException("--customers: at least one customer is needed");
        }
        if (warmup.compareTo(duration) >= 0) {
            throw new IllegalArgumentException("--warmup must be shorter than --duration, which includes it");
        }
    }

    static Options parse(List<String> args) {
        Map<String, String> values = new HashMap<>();
        List<String> switches = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String name = args.get(i);
            if (SWITCHES.contains(name)) {
                switches.add(name);
            } else if (VALUED.contains(name)) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                values.put(name, args.get(++i));
            } else {
                throw new IllegalArgumentException("unknown option '" + name + "'");
            }
        }
        boolean smoke = switches.contains("--smoke");
        Defaults defaults = smoke ? SMOKE : FULL;
        if (values.containsKey("--rate") && values.containsKey("--clients")) {
            throw new IllegalArgumentException("--rate (open loop) and --clients (closed loop) exclude each other");
        }
        Load load = values.containsKey("--clients") ? new Clients(positiveInt(values, "--clients", 0))
            : new FixedRate(positiveNumber(values, "--rate", defaults.rate()));
        FailureMix mix;
        try {
            mix = new FailureMix(percent(values, "--ship-fail", defaults.shipFail()), percent(values, "--out-of-stock", defaults.outOfStock()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--ship-fail and --out-of-stock: " + e.getMessage(), e);
        }
        if (values.containsKey("--customers") && values.containsKey("--spread-customers")) {
            throw new IllegalArgumentException(CUSTOMER_CONFLICT);
        }
        int spreadCustomers = values.containsKey("--spread-customers") ? positiveInt(values, "--spread-customers", 0) : 0;
        List<Credentials> customers = new ArrayList<>();
        if (spreadCustomers == 0) {
            for (String customer : values.getOrDefault("--customers", "alice:alice,bob:bob").split(",")) {
                customers.add(Credentials.parse(customer));
            }
        }
        Duration rawPhase = switches.contains("--no-raw") ? null : seconds(values, "--raw-seconds", defaults.rawSeconds(), false);
        return new Options(url(values.getOrDefault("--url", "http://localhost:8080")), load,
            seconds(values, "--duration", defaults.durationSeconds(), false), seconds(values, "--warmup", defaults.warmupSeconds(), true),
            seconds(values, "--timeout", defaults.timeoutSeconds(), false), mix, customers,
            Credentials.parse(values.getOrDefault("--operator", "admin:admin")), rawPhase, positiveInt(values, "--connections", 64), smoke,
            positiveInt(values, "--skus", 16), spreadCustomers);
    }

    /** Whether the operator places the orders for {@code spreadCustomers} synthetic customers. */
    boolean spreads() {
        return spreadCustomers > 0;
    }

    /** The id of the {@code index}-th synthetic customer, from 0: {@code load-c001} and on (more digits past 999). */
    static String spreadCustomerId(int index) {
        return String.format(Locale.ROOT, "%s%03d", SPREAD_CUSTOMER_PREFIX, index + 1);
    }

    /** The synthetic customers of {@code --spread-customers}, in turn order; empty without it. */
    List<String> spreadCustomerIds() {
        List<String> ids = new ArrayList<>(spreadCustomers);
        for (int i = 0; i < spreadCustomers; i++) {
            ids.add(spreadCustomerId(i));
        }
        return ids;
    }

    /**
     * The most orders of the load that one synthetic customer gets: the orders go to them in turn,
     * so no one gets more than the budget divided among them, rounded up. 0 without {@code --spread-customers}.
     */
    long spreadShare() {
        return spreads() ? (orderBudget() + spreadCustomers - 1) / spreadCustomers : 0;
    }

    boolean measuresRawLimits() {
        return rawPhase != null;
    }

    Duration steadyState() {
        return duration.minus(warmup);
    }

    /**
     * The most orders this run may place. Stock and money are topped up for this many before the
     * load, so no order meant to succeed fails for want of either; the run stops placing at it.
     */
    long orderBudget() {
        double seconds = duration.toMillis() / 1000.0;
        double orders = switch (load) {
            case FixedRate rate -> Math.ceil(rate.perSecond() * seconds);
            case Clients clients -> Math.ceil(clients.count() * seconds * CLOSED_LOOP_CEILING_PER_CLIENT);
        };
        return (long) Math.min(orders, MAX_ORDER_BUDGET);
    }

    /** HTTP connections to keep: a closed-loop client never waits for another's connection. */
    int httpConnections() {
        return load instanceof Clients clients ? Math.max(connections, clients.count()) : connections;
    }

    /** One line saying what the run does. */
    String describe() {
        String pace = switch (load) {
            case FixedRate rate -> String.format(Locale.ROOT, "open loop at %s orders/s", trim(rate.perSecond()));
            case Clients clients -> "closed loop of " + clients.count() + " clients";
        };
        String who = spreads()
            ? String.format(Locale.ROOT, "%d spread customer%s %s (orders placed by %s)", spreadCustomers, spreadCustomers == 1 ? "" : "s",
                spreadCustomers == 1 ? spreadCustomerId(0) : spreadCustomerId(0) + ".." + spreadCustomerId(spreadCustomers - 1),
                operator.username())
            : "customers " + String.join(", ", customers.stream().map(Credentials::username).toList());
        return String.format(Locale.ROOT, "%s%s for %d s (the first %d s warm-up), ship-fail %s%%, out-of-stock %s%%, %s, %d SKUs",
            smoke ? "smoke run, " : "", pace, duration.toSeconds(), warmup.toSeconds(), trim(mix.shipFailPercent()),
            trim(mix.outOfStockPercent()), who, skus);
    }

    private static String trim(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    private static URI url(String text) {
        URI url;
        try {
            url = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--url: '" + text + "' is not a URL", e);
        }
        if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalArgumentException("--url: '" + text + "' is not an http(s) URL with a host");
        }
        return url;
    }

    private static double number(Map<String, String> values, String name, double fallback) {
        String text = values.get(name);
        if (text == null) {
            return fallback;
        }
        try {
            double value = Double.parseDouble(text);
            if (!Double.isFinite(value)) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": '" + text + "' is not a number", e);
        }
    }

    private static double positiveNumber(Map<String, String> values, String name, double fallback) {
        double value = number(values, name, fallback);
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be more than 0");
        }
        return value;
    }

    private static int positiveInt(Map<String, String> values, String name, int fallback) {
        double value = positiveNumber(values, name, fallback);
        if (value != Math.rint(value) || value > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " must be a whole number");
        }
        return (int) value;
    }

    private static double percent(Map<String, String> values, String name, double fallback) {
        double value = number(values, name, fallback);
        if (value < 0 || value > 100) {
            throw new IllegalArgumentException(name + " must be a percentage, 0 to 100");
        }
        return value;
    }

    private static Duration seconds(Map<String, String> values, String name, int fallback, boolean zeroAllowed) {
        double value = number(values, name, fallback);
        if (value < 0 || (value == 0 && !zeroAllowed)) {
            throw new IllegalArgumentException(name + " must be " + (zeroAllowed ? "0 or more" : "more than 0") + " seconds");
        }
        return Duration.ofMillis(Math.round(value * 1000));
    }
}
