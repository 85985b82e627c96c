package io.sagaway.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Brings up PostgreSQL, Redis, Kafka and Elasticsearch on loopback as real servers.
 *
 * <p>A service that already answers on its port, in its own protocol, is reused and never
 * stopped by us. One that does not is started, in parallel with the others, and waited for until
 * ready; its pid is recorded under the stack folder so that {@link #down()} stops exactly what this
 * stack started. A port held by something else, or a start that fails, ends with a
 * {@link StackException} naming the service, the port and the last lines of its log.
 */
public final class LocalStack {

    private static final System.Logger LOG = System.getLogger(LocalStack.class.getName());
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    /** What {@link #status()} says of one service. */
    public enum State { STARTED_BY_STACK, ANSWERING_EXTERNALLY, STOPPED, PORT_HELD_BY_OTHER }

    private final StackSettings settings;
    private final Map<ServiceKind, LocalService> services = new EnumMap<>(ServiceKind.class);

    public LocalStack(StackSettings settings) {
        this.settings = settings;
        services.put(ServiceKind.POSTGRESQL, new PostgresService(settings));
        services.put(ServiceKind.REDIS, new RedisService(settings));
        services.put(ServiceKind.KAFKA, new KafkaService(settings));
        services.put(ServiceKind.ELASTICSEARCH, new ElasticsearchService(settings));
    }

    public StackSettings settings() {
        return settings;
    }

    public StackEndpoints endpoints() {
        return settings.endpoints();
    }

    /** Every service. */
    public Set<ServiceKind> up() {
        return up(EnumSet.allOf(ServiceKind.class));
    }

    /**
     * Makes each wanted service answer, reusing what already does.
     *
     * @return the services this call started (and that {@link #stop(Set)} may later stop)
     */
    public Set<ServiceKind> up(Set<ServiceKind> wanted) {
        Set<ServiceKind> toStart = EnumSet.noneOf(ServiceKind.class);
        for (ServiceKind kind : wanted) {
            LocalService service = services.get(kind);
            switch (Probe.probe(kind, service.port())) {
                case ANSWERS -> LOG.log(System.Logger.Level.INFO, "{0} already answers on port {1}: reusing it",
                    kind.displayName(), Integer.toString(service.port()));
                case FOREIGN -> throw portHeld(service, service.port());
                case FREE -> {
                    service.otherPorts().stream().filter(Probe::listening).findFirst()
                        .ifPresent(port -> { throw portHeld(service, port); });
                    toStart.add(kind);
                }
            }
        }
        if (toStart.isEmpty()) {
            return toStart;
        }
        startAll(toStart);
        return toStart;
    }

    private void startAll(Set<ServiceKind> toStart) {
        ExecutorService pool = Executors.newFixedThreadPool(toStart.size(), r -> {
            Thread t = new Thread(r, "local-stack-start");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<ServiceKind, CompletableFuture<Void>> starts = new LinkedHashMap<>();
            for (ServiceKind kind : toStart) {
                starts.put(kind, CompletableFuture.runAsync(() -> startOne(services.get(kind)), pool));
            }
            List<String> failures = new ArrayList<>();
            for (var entry : starts.entrySet()) {
                try {
                    entry.getValue().join();
                } catch (CompletionException e) {
                    failures.add(e.getCause() instanceof StackException se ? se.getMessage() : String.valueOf(e.getCause()));
                }
            }
            if (!failures.isEmpty()) {
                stop(toStart);
                throw new StackException(String.join("\n\n", failures));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void startOne(LocalService service) {
        ServiceKind kind = service.kind();
        Instant begin = Instant.now();
        LOG.log(System.Logger.Level.INFO, "starting {0} on port {1} (data and log in {2})",
            kind.displayName(), Integer.toString(service.port()), service.dir());
        ProcessHandle process;
        try {
            Files.createDirectories(service.dir());
            process = service.launch();
        } catch (IOException e) {
            throw startFailure(service, "could not be launched: " + e.getMessage());
        }
        Instant deadline = begin.plus(settings.startTimeout());
        while (!service.ready()) {
            if (!process.isAlive()) {
                ManagedProcess.forget(service.dir());
                throw startFailure(service, "exited before it was ready");
            }
            if (Instant.now().isAfter(deadline)) {
                throw startFailure(service, "was not ready within " + settings.startTimeout().toSeconds() + " s");
            }
            sleep(Duration.ofMillis(200));
        }
        service.afterReady();
        LOG.log(System.Logger.Level.INFO, "{0} ready on port {1} in {2} ms (pid {3})", kind.displayName(),
            Integer.toString(service.port()), Long.toString(Duration.between(begin, Instant.now()).toMillis()), Long.toString(process.pid()));
    }

    /** Stops every service this stack folder records as started by it. */
    public Set<ServiceKind> down() {
        return stop(EnumSet.allOf(ServiceKind.class));
    }

    /** Stops those of {@code kinds} that this stack started; services it reused are left alone. */
    public Set<ServiceKind> stop(Set<ServiceKind> kinds) {
        Set<ServiceKind> stopped = EnumSet.noneOf(ServiceKind.class);
        for (ServiceKind kind : kinds) {
            LocalService service = services.get(kind);
            Optional<ProcessHandle> process = ManagedProcess.recorded(service.dir());
            if (process.isPresent()) {
                LOG.log(System.Logger.Level.INFO, "stopping {0} (pid {1})", kind.displayName(), Long.toString(process.get().pid()));
                ManagedProcess.stop(process.get(), service.stopSignal(), STOP_GRACE);
                stopped.add(kind);
            }
            ManagedProcess.forget(service.dir());
        }
        return stopped;
    }

    public Map<ServiceKind, State> status() {
        Map<ServiceKind, State> states = new EnumMap<>(ServiceKind.class);
        for (LocalService service : services.values()) {
            State state;
            if (ManagedProcess.recorded(service.dir()).isPresent()) {
                state = State.STARTED_BY_STACK;
            } else {
                state = switch (Probe.probe(service.kind(), service.port())) {
                    case ANSWERS -> State.ANSWERING_EXTERNALLY;
                    case FREE -> State.STOPPED;
                    case FOREIGN -> State.PORT_HELD_BY_OTHER;
                };
            }
            states.put(service.kind(), state);
        }
        return states;
    }

    /** The pid of a service this stack started, if it is running. */
    public Optional<Long> pid(ServiceKind kind) {
        return ManagedProcess.recorded(services.get(kind).dir()).map(ProcessHandle::pid);
    }

    private StackException portHeld(LocalService service, int port) {
        return new StackException(service.kind().displayName() + ": port " + port
            + " is taken by something that does not answer as " + service.kind().displayName()
            + ". Free the port or choose another one (see SAGAWAY_STACK_*_PORT in the README). Last lines of "
            + service.log() + ":\n" + ManagedProcess.tail(service.log(), 20));
    }

    private StackException startFailure(LocalService service, String what) {
        return new StackException(service.kind().displayName() + " on port " + service.port() + " " + what
            + ". Last lines of " + service.log() + ":\n" + ManagedProcess.tail(service.log(), 25));
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while waiting for the stack");
        }
    }
}
