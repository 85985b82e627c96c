package io.sagaway.chaos;

import io.sagaway.stack.LocalStack;
import io.sagaway.stack.StackEndpoints;
import io.sagaway.stack.StackResolver;
import io.sagaway.stack.StackSettings;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short chaos run: the platform jar as five clustered processes on the test stack, four and a
 * half minutes of load with one fault of each kind and two pauses, then every invariant. Its seed
 * is fixed, so CI runs the same schedule each time: PostgreSQL restarted, Redis flushed, then a
 * gateway paused for 40 s (past its Kafka session and the event-bus cluster's 30 s: its update
 * feed must resume where it was, or subscribers whose connection never dropped miss updates, and
 * it must merge back into the cluster), the participants paused likewise, Kafka restarted, the
 * other gateway killed (its restart once joined a paused member's lone cluster and answered
 * UNAVAILABLE to the end), Elasticsearch restarted. The long run in docs/chaos.md draws its own
 * seeds.
 */
class ChaosRunIT {

    private static final Path JAR = Path.of("../../gateway/target/sagaway.jar");

    @Test
    void everyInvariantHoldsThroughOneFaultOfEachKind() {
        assertThat(JAR).as("the platform jar, built by the gateway module before this one").exists();
        StackEndpoints endpoints = StackResolver.forTests();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.put(StackResolver.POSTGRES_URL, endpoints.postgresUri());
        env.put(StackResolver.REDIS_URL, endpoints.redisUri());
        env.put(StackResolver.KAFKA_BOOTSTRAP_SERVERS, endpoints.kafkaBootstrap());
        env.put(StackResolver.ELASTICSEARCH_URL, endpoints.elasticsearchUrl());
        List<String> unavailable = FaultInjector.unavailable(List.of(Fault.Kind.values()), new LocalStack(StackSettings.fromEnv(env)));
        assertThat(unavailable).as("services this test restarts must come from the test's local stack (./test.sh starts it)").isEmpty();

        ChaosRun.Outcome outcome = ChaosRun.run(List.of("--duration", "270", "--max-duration", "390", "--rate", "5",
            "--faults", "kill,pause,pause,kafka,postgresql,elasticsearch,redis", "--seed", "77", "--pause", "40",
            "--fault-every", "6", "--first-fault-after", "5", "--settle-timeout", "240",
            "--jar", JAR.toString(), "--dir", "target/chaos"), env);

        assertThat(outcome.violations()).as(String.join("\n", outcome.report())).isZero();
        assertThat(outcome.faultKinds()).as(String.join("\n", outcome.report()))
            .containsExactlyInAnyOrderElementsOf(Arrays.stream(Fault.Kind.values()).map(Fault.Kind::label).toList());
        assertThat(outcome.ordersAccepted()).as("every order accepted, through retries with its key").isEqualTo(outcome.ordersSent());
        assertThat(outcome.ordersSent()).isGreaterThan(1000);
        assertThat(Files.exists(Path.of("target/chaos"))).isTrue();
    }
}
