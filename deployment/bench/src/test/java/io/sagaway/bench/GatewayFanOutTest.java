package io.sagaway.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A gateway's fan-out percentiles come from the difference of two scrapes, by bucket. */
class GatewayFanOutTest {

    private static String scrape(double under1ms, double under10ms, double under100ms, double all) {
        return """
            # HELP sagaway_subscriptions_fanout_seconds Per update
            # TYPE sagaway_subscriptions_fanout_seconds histogram
            sagaway_subscriptions_fanout_seconds_bucket{le="0.001"} %s
            sagaway_subscriptions_fanout_seconds_bucket{le="0.01"} %s
            sagaway_subscriptions_fanout_seconds_bucket{le="0.1"} %s
            sagaway_subscriptions_fanout_seconds_bucket{le="+Inf"} %s
            sagaway_subscriptions_fanout_seconds_count %s
            sagaway_graphql_subscriptions 3.0
            """.formatted(under1ms, under10ms, under100ms, all, all);
    }

    @Test
    void percentilesAreTheBucketBoundsOfTheUpdatesBetweenTwoScrapes() {
        var before = GatewayFanOut.Histogram.parse(scrape(50, 50, 50, 50));
        var after = GatewayFanOut.Histogram.parse(scrape(60, 140, 149, 150));
        var window = after.since(before);
        assertThat(window.count()).isEqualTo(100);
        assertThat(window.quantileMillis(0.1)).isEqualTo(1.0);
        assertThat(window.quantileMillis(0.5)).isEqualTo(10.0);
        assertThat(window.quantileMillis(0.9)).isEqualTo(10.0);
        assertThat(window.quantileMillis(0.99)).isEqualTo(100.0);
        assertThat(window.quantileMillis(1.0)).isEqualTo(Double.POSITIVE_INFINITY);
    }

    @Test
    void noUpdatesOrNoHistogramGiveNoFigure() {
        var none = GatewayFanOut.Histogram.parse("sagaway_graphql_subscriptions 3.0\n");
        assertThat(none.count()).isZero();
        assertThat(none.quantileMillis(0.5)).isNaN();
        assertThat(none.describe()).contains("no update measured");
    }
}
