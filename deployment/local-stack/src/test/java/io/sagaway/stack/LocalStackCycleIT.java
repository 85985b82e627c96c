package io.sagaway.stack;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

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
