package io.sagaway.chaos;

import io.sagaway.bench.Bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The platform as separate processes of the one jar, each running some roles, clustered over one
 * event bus as {@code deployment/scripts/cluster.sh} starts them. Each keeps its ports, instance id
 * and settings for the whole run, so a restart is the same member coming back (Kafka's static
 * membership gives it its partitions back at once). Logs are appended to {@code <dir>/<name>.log}.
 */
final class PlatformProcesses implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    /** What Hazelcast asks of a modular JDK to read its own metrics (it warns without them). */
    private static final List<String> HAZELCAST_ACCESS = List.of("--add-modules", "java.se",
        "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED", "--add-opens", "java.base/java.lang=ALL-UNNAMED",
        "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED", "--add-opens", "java.management/sun.management=ALL-UNNAMED",
        "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

    private final List<Member> members = new ArrayList<>();
    private final Path dir;
    private final Path jar;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One process: its roles, its HTTP port (GraphQL on a gateway, else health and metrics), and its settings. */
    static final class Member {
        private final String name;
        private final String roles;
        private final int httpPort;
        private final Map<String, String> env;
        private Process process;

        private Member(String name, String roles, int httpPort, Map<String, String> env) {
            this.name = name;
            this.roles = roles;
            this.httpPort = httpPort;
            this.env = env;
        }

        String name() {
            return name;
        }

        String roles() {
            return roles;
        }

        boolean gateway() {
            return Arrays.asList(roles.split(",")).contains("gateway") || "all".equals(roles);
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + httpPort);
        }

        long pid() {
            return process.pid();
        }

        boolean alive() {
            return process != null && process.isAlive();
        }
    }

    /**
     * @param runId    names the run's cluster and, with each process's name, its Kafka instance id
     * @param settings what every process gets: services, schema, prefixes, the shared JWT key, timeouts
     */
    PlatformProcesses(String runId, List<String> layout, Map<String, String> settings, Path jar, Path dir) {
        this.dir = dir;
        this.jar = jar;
        List<Integer> clusterPorts = layout.stream().map(r -> freePort()).toList();
        String clusterMembers = clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        for (int i = 0; i < layout.size(); i++) {
            String roles = layout.get(i);
            String name = "p" + (i + 1) + "-" + roles.replace(',', '_');
            int port = freePort();
            Map<String, String> env = new HashMap<>(settings);
            env.put("SAGAWAY_ROLES", roles);
            env.put("SAGAWAY_HTTP_PORT", Integer.toString(port));
            env.put("SAGAWAY_INSTANCE_ID", runId + "-" + name);
            if (layout.size() > 1) {
                env.put("SAGAWAY_CLUSTER_MEMBERS", clusterMembers);
                env.put("SAGAWAY_CLUSTER_PORT", Integer.toString(clusterPorts.get(i)));
                env.put("SAGAWAY_CLUSTER_NAME", runId);
            }
            members.add(new Member(name, roles, port, Map.copyOf(env)));
        }
    }

    List<Member> members() {
        return List.copyOf(members);
    }

    List<URI> gatewayUrls() {
        return members.stream().filter(Member::gateway).map(Member::url).toList();
    }

    /** Starts every process at once and waits until each is ready. */
    void startAll() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        members.forEach(this::launch);
        members.forEach(this::awaitReady);
    }

    /** {@code kill -9}: no shutdown hook, no goodbye to Kafka or the cluster. */
    void kill(Member member) {
        member.process.destroyForcibly();
        try {
            member.process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Starts the member again, with its settings, and waits until it is ready. */
    void restart(Member member) {
        launch(member);
        awaitReady(member);
    }

    void pause(Member member) {
        signal(member, "STOP");
    }

    void resume(Member member) {
        signal(member, "CONT");
    }

    /** Stops every process (SIGTERM, then SIGKILL after 30 s), a paused one too. */
    @Override
    public void close() {
        for (Member member : members) {
            if (member.alive()) {
                signal(member, "CONT");
                member.process.destroy();
            }
        }
        for (Member member : members) {
            if (member.process == null) {
                continue;
            }
            try {
                if (!member.process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    member.process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                member.process.destroyForcibly();
            }
        }
    }

    private void launch(Member member) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseG1GC", "-Xmx512m"));
        command.addAll(HAZELCAST_ACCESS);
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(member.name + ".log").toFile()));
        builder.environment().keySet().removeIf(k -> k.startsWith("SAGAWAY_"));
        builder.environment().putAll(member.env);
        try {
            member.process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + member.name + ": " + e.getMessage(), e);
        }
    }

    /** Until {@code /health/ready} answers 200: every store and stream of the process's roles answers. */
    void awaitReady(Member member) {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        HttpRequest request = HttpRequest.newBuilder(member.url().resolve("/health/ready")).timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!member.alive()) {
                throw new IllegalStateException(member.name + " stopped while starting; see " + dir.resolve(member.name + ".log"));
            }
            try {
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            Bench.pause(Duration.ofMillis(250));
        }
        throw new IllegalStateException(member.name + " was not ready within " + READY_TIMEOUT.toSeconds() + " s; see "
            + dir.resolve(member.name + ".log"));
    }

    private static void signal(Member member, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(member.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + member.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
