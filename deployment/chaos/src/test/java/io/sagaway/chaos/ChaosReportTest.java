package io.sagaway.chaos;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ChaosReportTest {

    private static final long S = 1_000_000_000L;

    @Test
    void recoveryIsTheLongestQuietAndTheTimeUntilEveryOrderInFlightFinished() {
        Fault fault = new Fault(Fault.Kind.KAFKA, "Kafka", 100 * S, 110 * S, "");
        Map<String, Long> accepted = Map.of("done-before", 90 * S, "in-flight", 95 * S, "unseen", 96 * S, "after", 101 * S);
        Map<String, Long> finished = Map.of("done-before", 99 * S, "in-flight", 118 * S, "after", 121 * S);
        ChaosReport.Recovery recovery = ChaosReport.recovery(fault, Long.MAX_VALUE, accepted, finished);
        assertThat(recovery.longestStallSeconds()).isEqualTo(18.0);
        assertThat(recovery.caughtUpSeconds()).isEqualTo(18.0);
        assertThat(recovery.inFlight()).isEqualTo(2);
        assertThat(recovery.unseen()).isEqualTo(1);
    }

    @Test
    void aStallCountsUntilTheNextFaultAndNoFurther() {
        Fault fault = new Fault(Fault.Kind.REDIS, "Redis", 100 * S, 100 * S, "");
        ChaosReport.Recovery recovery = ChaosReport.recovery(fault, 105 * S, Map.of("a", 99 * S), Map.of("a", 101 * S, "b", 130 * S));
        assertThat(recovery.longestStallSeconds()).isEqualTo(4.0);
        assertThat(recovery.caughtUpSeconds()).isEqualTo(1.0);
        ChaosReport.Recovery stalled = ChaosReport.recovery(fault, 150 * S, Map.of("a", 99 * S), Map.of("a", 101 * S, "b", 130 * S));
        assertThat(stalled.longestStallSeconds()).isEqualTo(29.0);
    }
}
