package io.sagaway.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DistributionTest {

    @Test
    void percentilesAreNearestRankSoEachIsAMeasuredValue() {
        List<Double> hundred = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            hundred.add((double) i);
        }
        Collections.shuffle(hundred);

        Distribution d = Distribution.of(hundred);

        assertThat(d.count()).isEqualTo(100);
        assertThat(d.p50()).isEqualTo(50);
        assertThat(d.p90()).isEqualTo(90);
        assertThat(d.p99()).isEqualTo(99);
        assertThat(d.max()).isEqualTo(100);
    }

    @Test
    void withFewValuesTheHighPercentilesAreTheLargest() {
        Distribution d = Distribution.of(List.of(30.0, 10.0, 20.0));

        assertThat(d.p50()).isEqualTo(20);
        assertThat(d.p90()).isEqualTo(30);
        assertThat(d.p99()).isEqualTo(30);
        assertThat(Distribution.of(List.of(7.5)).p50()).isEqualTo(7.5);
        assertThat(Distribution.percentile(new double[] {1, 2, 3, 4}, 0)).isEqualTo(1);
        assertThat(Distribution.percentile(new double[] {1, 2, 3, 4}, 25)).isEqualTo(1);
        assertThat(Distribution.percentile(new double[] {1, 2, 3, 4}, 26)).isEqualTo(2);
        assertThat(Distribution.percentile(new double[] {1, 2, 3, 4}, 100)).isEqualTo(4);
    }

    @Test
    void nothingMeasuredIsEmptyAndSaysSo() {
        Distribution empty = Distribution.of(List.of());

        assertThat(empty.isEmpty()).isTrue();
        assertThat(empty.p50()).isNaN();
        assertThat(empty.line("accept (ms)")).endsWith("no samples");
        assertThatThrownBy(() -> Distribution.percentile(new double[0], 50)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Distribution.percentile(new double[] {1}, 101)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void samplesFromSeveralThreadsAreAllCounted() throws Exception {
        Samples samples = new Samples();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 5000; i++) {
                    samples.add(i);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join(10_000);
        }

        assertThat(samples.distribution().count()).isEqualTo(20_000);
        assertThat(samples.distribution().max()).isEqualTo(4999);
    }
}
