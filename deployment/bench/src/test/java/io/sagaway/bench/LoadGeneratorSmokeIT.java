package io.sagaway.bench;

import io.sagaway.gateway.Platform;
import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.stack.StackResolver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The load generator's smoke run against the whole platform, started in-process on the real
 * services with a schema, topics and indices of its own. Asserts that it ran and reported, never
 * how fast.
 */
class LoadGeneratorSmokeIT {

    private static Platform platform;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        String schema = "it_load_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        platform = new Platform(PlatformConfig.load(Map.of(PlatformConfig.PG_SCHEMA, schema, PlatformConfig.TOPIC_PREFIX, schema + ".",
            PlatformConfig.INDEX_PREFIX, schema.replace('_', '-') + "-"), List.of("--port", Integer.toString(port))),
            Platform.endpoints(StackResolver.forTests()));
        platform.start();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.stop();
        }
    }

    @Test
    void theSmokeRunPlacesOrdersSeesThemShipOrFailAsMixedAndQuotesTheRawLimits() {
        // The raw limits work on scratch names of their own (schema, topic, index) and remove them.
        Report report = new LoadGenerator(StackResolver::forTests).run(Options.parse(List.of("--smoke", "--url", "http://localhost:" + port)));
        report.lines().forEach(Bench::print);

        assertThat(report.placed()).isPositive();
        assertThat(report.orders().accepted()).isPositive();
        assertThat(report.completed()).isPositive();
        assertThat(report.outcome("SHIPPED")).isPositive();
        assertThat(report.outcome("FAILED")).isPositive();
        assertThat(report.orders().failureReasons()).containsKeys("ADDRESS_REJECTED", "OUT_OF_STOCK");
        assertThat(report.orders().unexpectedOutcomes()).isZero();
        assertThat(report.orders().acceptMillis().isEmpty()).isFalse();
        assertThat(report.orders().acceptMillis().p99()).isPositive();
        assertThat(report.orders().completionMillis().isEmpty()).isFalse();
        assertThat(report.orders().completionMillis().p50()).isPositive();
        assertThat(report.rawLimits()).hasValueSatisfying(raw -> {
            assertThat(raw.postgresCommitsPerSecond()).isPositive();
            assertThat(raw.kafkaRecordsPerSecond()).isPositive();
            assertThat(raw.elasticsearchDocsPerSecond()).isPositive();
        });
        assertThat(report.lines()).anyMatch(line -> line.startsWith("placeOrder accept latency p99 (ms)"))
            .anyMatch(line -> line.startsWith("completed sagas per second, steady state"))
            .anyMatch(line -> line.startsWith("projection lag p50 (ms)"));
    }
}
