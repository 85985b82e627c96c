package io.sagaway.chaos;

import io.sagaway.bench.Bench;
import io.sagaway.stack.LocalStack;
import io.sagaway.stack.StackSettings;
import io.vertx.core.Vertx;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A chaos run: the platform as several clustered processes on the local stack, a steady load
 * through its public API, faults injected on a schedule it prints (processes killed and
 * restarted, paused past their session timeout, Kafka, PostgreSQL and Elasticsearch restarted,
 * Redis flushed), then the wait for the platform to settle and the invariants, checked one by one
 * against the stores. Prints the orders, the faults by kind with their recovery, the subscribers'
 * reconnections and every violation; exits 1 when there is any, 2 on a usage error.
 *
 * <p>Everything of a run lives apart: its own PostgreSQL schema, topic and index prefixes,
 * customers and SKUs, so runs never see each other's data or a platform started by {@code ./run.sh}.
 * The services come from {@code SAGAWAY_PG_URL}, {@code SAGAWAY_REDIS_URL},
 * {@code SAGAWAY_KAFKA_BOOTSTRAP_SERVERS} and {@code SAGAWAY_ELASTICSEARCH_URL}; the ones to restart must
 * have been started by the local stack configured by {@code SAGAWAY_STACK_*} (chaos.sh sees to both).
 */
public final class ChaosRun {

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(5);

    private final ChaosOptions options;
    private final Map<String, String> env;
    private final Consumer<String> say;

    /** What a run found: the orders and faults, the violations, and the report it printed. */
    public record Outcome(int ordersSent, int ordersAccepted, int faultsInjected, List<String> faultKinds, int violations, List<String> report) {
    }

    ChaosRun(ChaosOptions options, Map<String, String> env, Consumer<String> say) {
        this.options = options;
        this.env = env;
        this.say = say;
    }

    public static void main(String[] args) {
        List<String> arguments = Arrays.asList(args);
        if (arguments.contains("--help")) {
            System.out.print(ChaosOptions.USAGE);
            return;
        }
        ChaosOptions options;
        try {
            options = ChaosOptions.parse(arguments);
        } catch (IllegalArgumentException e) {
            System.err.println("chaos: " + e.getMessage());
            System.exit(2);
            return;
        }
        Outcome outcome = run(arguments, System.getenv());
        System.exit(outcome.violations() == 0 ? 0 : 1);
    }

    /** Runs it with {@code args} and the services in {@code env}; prints as it goes, on standard error, and the report on standard output. */
    public static Outcome run(List<String> args, Map<String, String> env) {
        ChaosOptions options = ChaosOptions.parse(args);
        Consumer<String> say = line -> System.err.println("[chaos " + Instant.now().toString().substring(11, 19) + "] " + line);
        Outcome outcome = new ChaosRun(options, env, say).execute();
        outcome.report().forEach(System.out::println);
        return outcome;
    }

    Outcome execute() {
        String runId = HexFormat.of().formatHex(new SecureRandom().generateSeed(4));
        String schema = "chaos_" + runId;
        LocalStack stack = new LocalStack(StackSettings.fromEnv(env));
        List<String> unavailable = FaultInjector.unavailable(options.faults(), stack);
        if (!unavailable.isEmpty()) {
            throw new IllegalStateException("cannot inject every fault asked for:\n  " + String.join("\n  ", unavailable));
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String name : List.of("SAGAWAY_PG_URL", "SAGAWAY_REDIS_URL", "SAGAWAY_KAFKA_BOOTSTRAP_SERVERS", "SAGAWAY_ELASTICSEARCH_URL")) {
            settings.put(name, Optional.ofNullable(env.get(name)).orElseThrow(() -> new IllegalStateException(name + " is not set")));
        }
        settings.put("SAGAWAY_PG_SCHEMA", schema);
        settings.put("SAGAWAY_TOPIC_PREFIX", "chaos-" + runId + ".");
        settings.put("SAGAWAY_INDEX_PREFIX", "chaos-" + runId + "-");
        settings.put("SAGAWAY_JWT_SECRET", Base64.getUrlEncoder().withoutPadding().encodeToString(new SecureRandom().generateSeed(32)));
        settings.put("SAGAWAY_DEMO_DATA", "false");
        settings.put("SAGAWAY_KAFKA_SESSION_TIMEOUT_MS", Long.toString(options.sessionTimeout().toMillis()));

        say.accept("run " + runId + " (schema " + schema + "): " + options.describe());
        Vertx vertx = Vertx.vertx();
        try (PlatformProcesses platform = new PlatformProcesses(schema, options.layout(), settings, options.jar(), options.workDir().resolve(runId))) {
            long bootStart = System.nanoTime();
            platform.startAll();
            say.accept(String.format(Locale.ROOT, "%d processes ready in %.1f s (logs in %s): %s", platform.members().size(),
                (System.nanoTime() - bootStart) / 1e9, options.workDir().resolve(runId),
                platform.members().stream().map(m -> m.name() + " " + m.url()).toList()));
            ChaosLoad load = new ChaosLoad(vertx, options, platform.gatewayUrls(), runId, say);
            try {
                load.prepare();
                return loadAndCheck(vertx, platform, stack, load, settings, schema);
            } finally {
                load.close();
            }
        } finally {
            ChaosLoad.await(vertx.close());
        }
    }

    private Outcome loadAndCheck(Vertx vertx, PlatformProcesses platform, LocalStack stack, ChaosLoad load, Map<String, String> settings,
                                 String schema) {
        FaultInjector faults = new FaultInjector(options, platform, stack, URI.create(settings.get("SAGAWAY_REDIS_URL")), say);
        long start = System.nanoTime();
        long end = start + options.duration().toNanos();
        long latest = start + options.maxDuration().toNanos();
        Thread injector = faults.start(end, latest);
        var loadDone = load.run(start, now -> now >= latest || now >= end && !injector.isAlive());
        long progress = vertx.setPeriodic(PROGRESS_EVERY.toMillis(), t -> say.accept(progressLine(load, start)));
        try {
            Bench.await(loadDone, options.maxDuration().plusSeconds(60));
            while (System.nanoTime() < end) {
                Bench.pause(Duration.ofMillis(200));
            }
            say.accept("load ended; waiting for the fault under way, the last answers and the platform to settle");
            faults.stop();
            injector.join();
            long answerDeadline = System.nanoTime() + ChaosLoad.ACCEPT_WINDOW.toNanos();
            while (!load.answered() && System.nanoTime() < answerDeadline) {
                Bench.pause(Duration.ofMillis(200));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            vertx.cancelTimer(progress);
        }
        try (StoreReader stores = new StoreReader(vertx, settings.get("SAGAWAY_PG_URL"), schema, load.api(0), load.operatorToken())) {
            long settleStart = System.nanoTime();
            StoreReader.Settling settling = stores.awaitSettled(options.settleTimeout(), say);
            double settleSeconds = (System.nanoTime() - settleStart) / 1e9;
            say.accept((settling.settled() ? "settled" : "NOT settled") + String.format(Locale.ROOT, " after %.1f s: ", settleSeconds) + settling);
            // A last moment for subscribers: the read model shows the end, the updates may still be on their way.
            Bench.pause(Duration.ofSeconds(2));
            List<ChaosLoad.ClientOrder> orders = load.orders();
            List<Invariants.SentOrder> sent = orders.stream().map(o -> new Invariants.SentOrder(o.idempotencyKey, o.customerId, o.kind,
                o.orderId, o.otherOrderId, o.acceptedNanos)).toList();
            Invariants.Observed observed = stores.observe(sent, load.funded(), load.stocked(), load.seen(), load.refusals(), faults.injected(),
                load.subscriptions());
            List<Invariants.Violation> violations = Invariants.check(observed);
            List<String> report = ChaosReport.lines(options, orders, observed, faults.injected(), load, violations, settling, settleSeconds, start);
            List<String> kinds = new ArrayList<>(faults.injected().stream().filter(Fault::injected)
                .map(f -> f.kind().label()).distinct().toList());
            return new Outcome(orders.size(), (int) orders.stream().filter(o -> o.orderId != null).count(),
                (int) faults.injected().stream().filter(Fault::injected).count(), kinds, violations.size(), report);
        }
    }

    private static String progressLine(ChaosLoad load, long start) {
        List<ChaosLoad.ClientOrder> orders = load.orders();
        long accepted = orders.stream().filter(o -> o.orderId != null).count();
        long refused = orders.stream().filter(o -> o.refusedCode != null).count();
        long finished = load.terminalSeenNanos().size();
        return String.format(Locale.ROOT, "%5.0f s  sent %d  accepted %d  given up %d  finished (seen) %d  sent again %d",
            (System.nanoTime() - start) / 1e9, orders.size(), accepted, refused, finished, load.refusals().size());
    }
}
