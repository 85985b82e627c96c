package io.sagaway.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class LoadRunTest {

    private static List<Integer> customers(int count) {
        return IntStream.range(0, count).boxed().toList();
    }

    @Test
    void theProbedSpreadCustomerOfEachConnectionIsTheLastSubscribedOnIt() {
        // Customer i is on connection i mod 4: {0, 4, 8}, {1, 5, 9}, {2, 6}, {3, 7}.
        assertThat(LoadRun.spreadProbes(customers(10))).containsExactly(8, 9, 6, 7);
        assertThat(LoadRun.spreadProbes(customers(4))).containsExactly(0, 1, 2, 3);
    }

    @Test
    void fewSpreadCustomersHaveAConnectionAndAProbeEachAndManyNoMoreThanTheConnections() {
        assertThat(LoadRun.spreadProbes(customers(1))).containsExactly(0);
        assertThat(LoadRun.spreadProbes(customers(2))).containsExactly(0, 1);
        assertThat(LoadRun.spreadProbes(customers(10_000))).hasSize(LoadRun.SPREAD_SOCKETS).doesNotHaveDuplicates()
            .allSatisfy(probed -> assertThat(probed).isGreaterThanOrEqualTo(10_000 - LoadRun.SPREAD_SOCKETS));
    }
}
