package io.sagaway.stack;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole stack, on ports and in a folder of its own so it never touches the stack the other
 * tests use: up, up again (reuse), down, up.
 */
class LocalStackCycleIT {

    private static final int BASE = 24000 + (int) (ProcessHandle.current().pid() % 1000) * 5;
    private static LocalStack stack;

    @BeforeAll
    static void settings() {
        StackSettings settings = StackSettings.fromEnv(System.getenv())
            .withDir(Path.of("target/cycle-stack"))
            .withPorts(BASE, BASE + 1, BASE + 2, BASE + 3, BASE + 4);
        stack = new LocalStack(settings);
    }

    @AfterAll
    static void stopEverything() {
        stack.down();
    }

    @Test
    void upThenUpAgainReusesThenDownStopsExactlyWhatWasStartedThenUpWorksAgain() {
        Set<ServiceKind> started = stack.up();
        assertThat(started).containsExactlyInAnyOrder(ServiceKind.values());
        assertThat(stack.status()).allSatisfy((kind, state) -> assertThat(state).isEqualTo(LocalStack.State.STARTED_BY_STACK));
        everyServiceAnswers();
        Map<ServiceKind, Long> pids = pids();

        Set<ServiceKind> startedAgain = new LocalStack(stack.settings()).up();
        assertThat(startedAgain).isEmpty();
        assertThat(pids()).isEqualTo(pids);

        // A platform started again after a kill -9 reuses what the killed one left, and says so.
        StackResolver.Resolution reused = StackResolver.resolve(stackEnvironment());
        assertThat(reused.started()).isEmpty();
        assertThat(reused.reusedAndLeftRunning()).hasSize(4)
            .anySatisfy(line -> assertThat(line).startsWith("PostgreSQL on port " + BASE + " (pid " + pids.get(ServiceKind.POSTGRESQL)));
        // The stack script runs with a JDK 21+ of its own choice, whatever the machine's default java is.
        String status = script("status");
        for (ServiceKind kind : ServiceKind.values()) {
            assertThat(status).contains(kind.displayName()).contains("STARTED_BY_STACK (pid " + pids.get(kind) + ")");
        }

        Set<ServiceKind> stopped = stack.down();
        assertThat(stopped).containsExactlyInAnyOrder(ServiceKind.values());
        for (ServiceKind kind : ServiceKind.values()) {
            assertThat(Probe.probe(kind, stack.settings().port(kind))).as(kind + " after down").isEqualTo(Probe.Answer.FREE);
            assertThat(ProcessHandle.of(pids.get(kind)).map(ProcessHandle::isAlive).orElse(false)).as(kind + " process").isFalse();
        }
        assertThat(Probe.listening(stack.settings().kafkaControllerPort())).isFalse();

        assertThat(stack.up()).containsExactlyInAnyOrder(ServiceKind.values());
        everyServiceAnswers();
    }

    @Test
    void aPortHeldBySomethingElseFailsNamingTheServiceAndThePortAndStartsNothing() throws IOException {
        int port = BASE + 1;
        LocalStack blocked = new LocalStack(stack.settings().withDir(Path.of("target/blocked-stack"))
            .withPorts(BASE + 10, port, BASE + 12, BASE + 13, BASE + 14));
        try (ServerSocket ignored = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            // Accepts connections but never speaks Redis.
            assertThatThrownBy(() -> blocked.up(EnumSet.of(ServiceKind.REDIS)))
                .isInstanceOf(StackException.class)
                .hasMessageContaining("Redis")
                .hasMessageContaining("port " + port);
        }
        assertThat(blocked.status().get(ServiceKind.REDIS)).isEqualTo(LocalStack.State.STOPPED);
    }

    private static Map<String, String> stackEnvironment() {
        Map<String, String> env = new HashMap<>(System.getenv());
        // ./test.sh runs the tests with the tests' own stack named in these: here, every service comes from this stack.
        List.of(StackResolver.POSTGRES_URL, StackResolver.REDIS_URL, StackResolver.KAFKA_BOOTSTRAP_SERVERS, StackResolver.ELASTICSEARCH_URL)
            .forEach(env::remove);
        env.put("SAGAWAY_STACK_DIR", stack.settings().dir().toString());
        env.put("SAGAWAY_STACK_POSTGRES_PORT", Integer.toString(BASE));
        env.put("SAGAWAY_STACK_REDIS_PORT", Integer.toString(BASE + 1));
        env.put("SAGAWAY_STACK_KAFKA_PORT", Integer.toString(BASE + 2));
        env.put("SAGAWAY_STACK_KAFKA_CONTROLLER_PORT", Integer.toString(BASE + 3));
        env.put("SAGAWAY_STACK_ELASTICSEARCH_PORT", Integer.toString(BASE + 4));
        return env;
    }

    /** Runs deployment/scripts/stack.sh as a user does: no JAVA_HOME, the machine's PATH. */
    private static String script(String command) {
        try {
            ProcessBuilder builder = new ProcessBuilder(Path.of("../scripts/stack.sh").toAbsolutePath().normalize().toString(), command)
                .redirectErrorStream(true);
            builder.environment().putAll(stackEnvironment());
            builder.environment().remove("JAVA_HOME");
            builder.environment().remove("SAGAWAY_STACK_JAVA_HOME");
            Process process = builder.start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes());
            assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
            assertThat(process.exitValue()).as(output).isZero();
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void everyServiceAnswers() {
        for (ServiceKind kind : ServiceKind.values()) {
            assertThat(Probe.probe(kind, stack.settings().port(kind))).as(kind.displayName()).isEqualTo(Probe.Answer.ANSWERS);
        }
    }

    private static Map<ServiceKind, Long> pids() {
        Map<ServiceKind, Long> pids = new EnumMap<>(ServiceKind.class);
        for (ServiceKind kind : ServiceKind.values()) {
            pids.put(kind, stack.pid(kind).orElseThrow());
        }
        return pids;
    }
}
