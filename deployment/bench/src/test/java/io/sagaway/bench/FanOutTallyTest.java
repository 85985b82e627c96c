package io.sagaway.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FanOutTallyTest {

    @Test
    void delaysCountFromEachUpdatesFirstArrivalAndMissingDeliveriesShow() {
        FanOutTally tally = new FanOutTally();
        tally.delivered(0, "o1@1", 1_000_000);
        tally.delivered(1, "o1@1", 3_000_000);
        tally.delivered(2, "o1@1", 11_000_000);
        tally.delivered(1, "o1@2", 50_000_000);
        tally.delivered(0, "o1@2", 52_000_000);
        tally.delivered(0, "o1@2", 53_000_000);

        FanOutTally.Summary summary = tally.summary(3);
        assertThat(summary.updates()).isEqualTo(2);
        assertThat(summary.expected()).isEqualTo(6);
        assertThat(summary.delivered()).isEqualTo(5);
        assertThat(summary.duplicates()).isEqualTo(1);
        assertThat(summary.fanOutMillis().max()).isEqualTo(10.0);
        assertThat(summary.fanOutMillis().p50()).isEqualTo(2.0);
        assertThat(tally.receivedBy("o1@2")).isEqualTo(2);
        assertThat(tally.receivedBy("o9@1")).isZero();
    }

    @Test
    void onlyTheCountedUpdatesMakeTheFigures() {
        FanOutTally tally = new FanOutTally();
        tally.delivered(0, "probe@1", 1_000_000);
        tally.delivered(0, "o1@1", 2_000_000);
        tally.delivered(1, "o1@1", 4_000_000);
        FanOutTally.Summary summary = tally.summary(2, key -> key.startsWith("o1@"));
        assertThat(summary.updates()).isEqualTo(1);
        assertThat(summary.delivered()).isEqualTo(2);
        assertThat(tally.incomplete(2, key -> true)).containsExactly(java.util.Map.entry("probe@1", 1));
    }
}
