package io.sagaway.chaos;

import io.sagaway.bench.Bench;
import io.sagaway.stack.LocalStack;
import io.sagaway.stack.ServiceKind;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Injects the run's faults one after the other, on its own thread, until told to stop: each kind
 * in turn (in an order the seed shuffles, so every kind comes up in a short run), a quiet time
 * between one fault's end and the next, victims drawn by the seed. Kafka, PostgreSQL and
 * Elasticsearch are restarted through the local stack, so only services it started can be.
 */
final class FaultInjector {

    private final ChaosOptions options;
    private final PlatformProcesses platform;
    private final LocalStack stack;
    private final URI redis;
    private final Random random;
    private final Consumer<String> say;
    private final List<Fault> injected = new CopyOnWriteArrayList<>();
    private final List<Fault.Kind> order;
    private volatile boolean stopping;

    FaultInjector(ChaosOptions options, PlatformProcesses platform, LocalStack stack, URI redis, Consumer<String> say) {
        this.options = options;
        this.platform = platform;
        this.stack = stack;
        this.redis = redis;
        this.random = new Random(options.seed());
        this.say = say;
        List<Fault.Kind> kinds = new ArrayList<>(options.faults());
        Collections.shuffle(kinds, random);
        this.order = List.copyOf(kinds);
    }

    /** The kinds this run cannot inject, with why: a service the local stack did not start cannot be restarted by it. */
    static List<String> unavailable(List<Fault.Kind> kinds, LocalStack stack) {
        List<String> missing = new ArrayList<>();
        for (Fault.Kind kind : kinds) {
            serviceOf(kind).filter(service -> stack.pid(service).isEmpty()).ifPresent(service ->
                missing.add(kind.label() + ": " + service.displayName() + " was not started by the local stack in "
                    + stack.settings().dir() + ", so it cannot restart it"));
        }
        return missing;
    }

    List<Fault> injected() {
        return List.copyOf(injected);
    }

    /**
     * Runs the schedule until {@link #stop()} or until {@code endNanos}; past it, only until each
     * fault of the list has had its turn once, and never past {@code latestNanos}.
     */
    Thread start(long endNanos, long latestNanos) {
        Thread thread = new Thread(() -> run(endNanos, latestNanos), "chaos-faults");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    void stop() {
        stopping = true;
    }

    private void run(long endNanos, long latestNanos) {
        quiet(options.firstFaultAfter(), latestNanos);
        int turn = 0;
        while (!stopping && !order.isEmpty() && mayStart(System.nanoTime(), endNanos, latestNanos, turn, order.size())) {
            Fault.Kind kind = order.get(turn++ % order.size());
            try {
                Fault fault = inject(kind);
                injected.add(fault);
                say.accept(String.format(Locale.ROOT, "fault %d: %s of %s, %.1f s: %s", injected.size(), kind.label(), fault.target(),
                    fault.seconds(), fault.detail()));
            } catch (RuntimeException e) {
                say.accept("fault " + kind.label() + " could not be injected: " + e.getMessage());
                injected.add(Fault.notInjected(kind, e.getMessage()));
            }
            // After the last fault, the load goes on for one more quiet spell, so that its recovery is under load too.
            quiet(options.faultEvery(), System.nanoTime() < endNanos ? endNanos : latestNanos);
        }
    }

    /**
     * Whether the fault of turn {@code turn} (0 first) may start at {@code now}: any time before the
     * end; after it, only while the list of {@code faults} has not had its first full round, and
     * never after {@code latest}.
     */
    static boolean mayStart(long now, long end, long latest, int turn, int faults) {
        return now < end || turn < faults && now < latest;
    }

    private Fault inject(Fault.Kind kind) {
        return switch (kind) {
            case KILL -> kill();
            case PAUSE -> pause();
            case KAFKA, POSTGRESQL, ELASTICSEARCH -> restart(kind, serviceOf(kind).orElseThrow());
            case REDIS -> flushRedis();
        };
    }

    private Fault kill() {
        PlatformProcesses.Member victim = victim();
        long start = System.nanoTime();
        long pid = victim.pid();
        say.accept("kill -9 " + victim.name() + " (pid " + pid + ")");
        platform.kill(victim);
        long killed = System.nanoTime();
        platform.restart(victim);
        return new Fault(Fault.Kind.KILL, victim.name(), start, System.nanoTime(), String.format(Locale.ROOT,
            "killed pid %d, restarted as pid %d, ready %.1f s after the kill", pid, victim.pid(), (System.nanoTime() - killed) / 1e9));
    }

    private Fault pause() {
        PlatformProcesses.Member victim = victim();
        long start = System.nanoTime();
        say.accept("SIGSTOP " + victim.name() + " (pid " + victim.pid() + ") for " + options.pause().toSeconds() + " s");
        platform.pause(victim);
        Bench.pause(options.pause());
        platform.resume(victim);
        long resumed = System.nanoTime();
        // Back means ready again: a member the cluster gave up on must rejoin it, its consumers their groups.
        platform.awaitReady(victim);
        return new Fault(Fault.Kind.PAUSE, victim.name(), start, System.nanoTime(), String.format(Locale.ROOT,
            "stopped %d s (session timeout %d s), ready %.1f s after SIGCONT", options.pause().toSeconds(),
            options.sessionTimeout().toSeconds(), (System.nanoTime() - resumed) / 1e9));
    }

    private Fault restart(Fault.Kind kind, ServiceKind service) {
        long start = System.nanoTime();
        say.accept("restarting " + service.displayName());
        stack.stop(EnumSet.of(service));
        long stopped = System.nanoTime();
        Set<ServiceKind> started = stack.up(EnumSet.of(service));
        if (!started.contains(service)) {
            throw new IllegalStateException(service.displayName() + " answered again without being started: something else serves its port");
        }
        return new Fault(kind, service.displayName(), start, System.nanoTime(), String.format(Locale.ROOT,
            "stopped in %.1f s, answering again %.1f s later", (stopped - start) / 1e9, (System.nanoTime() - stopped) / 1e9));
    }

    /** {@code FLUSHALL} over Redis's own protocol: no client library needed for one command. */
    private Fault flushRedis() {
        long start = System.nanoTime();
        int port = redis.getPort() > 0 ? redis.getPort() : 6379;
        try (Socket socket = new Socket(redis.getHost(), port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write("*1\r\n$8\r\nFLUSHALL\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] reply = new byte[64];
            int read = in.read(reply);
            String answer = read > 0 ? new String(reply, 0, read, StandardCharsets.US_ASCII).trim() : "";
            if (!answer.startsWith("+OK")) {
                throw new IllegalStateException("FLUSHALL answered '" + answer + "'");
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot reach Redis at " + redis + ": " + e.getMessage(), e);
        }
        return new Fault(Fault.Kind.REDIS, "Redis", start, System.nanoTime(), "FLUSHALL: every claim and marker gone");
    }

    private PlatformProcesses.Member victim() {
        List<PlatformProcesses.Member> members = platform.members();
        return members.get(random.nextInt(members.size()));
    }

    private static Optional<ServiceKind> serviceOf(Fault.Kind kind) {
        return switch (kind) {
            case KAFKA -> Optional.of(ServiceKind.KAFKA);
            case POSTGRESQL -> Optional.of(ServiceKind.POSTGRESQL);
            case ELASTICSEARCH -> Optional.of(ServiceKind.ELASTICSEARCH);
            default -> Optional.empty();
        };
    }

    private void quiet(Duration duration, long endNanos) {
        long until = Math.min(System.nanoTime() + duration.toNanos(), endNanos);
        while (!stopping && System.nanoTime() < until) {
            Bench.pause(Duration.ofMillis(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000))));
        }
    }
}
