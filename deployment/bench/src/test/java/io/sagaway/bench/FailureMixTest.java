package io.sagaway.bench;

import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FailureMixTest {

    private static Map<FailureMix.Kind, Integer> kindsOfTheFirst(FailureMix mix, int orders) {
        Map<FailureMix.Kind, Integer> kinds = new EnumMap<>(FailureMix.Kind.class);
        for (int n = 0; n < orders; n++) {
            kinds.merge(mix.kindOf(n), 1, Integer::sum);
        }
        return kinds;
    }

    @Test
    void eachKindGetsItsShareEvenOfAShortRun() {
        FailureMix mix = new FailureMix(20, 20);

        Map<FailureMix.Kind, Integer> ofTwentyFive = kindsOfTheFirst(mix, 25);
        assertThat(ofTwentyFive.get(FailureMix.Kind.SHIP_FAIL)).isBetween(4, 6);
        assertThat(ofTwentyFive.get(FailureMix.Kind.OUT_OF_STOCK)).isBetween(4, 6);

        Map<FailureMix.Kind, Integer> ofTenThousand = kindsOfTheFirst(new FailureMix(7.5, 2), 10_000);
        assertThat(ofTenThousand.get(FailureMix.Kind.SHIP_FAIL)).isBetween(740, 760);
        assertThat(ofTenThousand.get(FailureMix.Kind.OUT_OF_STOCK)).isBetween(190, 210);
    }

    @Test
    void withoutFailuresEveryOrderShouldShipAndTheMixIsTheSameEachRun() {
        assertThat(kindsOfTheFirst(new FailureMix(0, 0), 1000)).containsOnlyKeys(FailureMix.Kind.SUCCESS);
        FailureMix mix = new FailureMix(30, 10);
        for (int n = 0; n < 100; n++) {
            assertThat(mix.kindOf(n)).isEqualTo(new FailureMix(30, 10).kindOf(n));
        }
    }

    @Test
    void eachKindExpectsItsOwnOutcome() {
        assertThat(FailureMix.Kind.SUCCESS.expects("SHIPPED", null)).isTrue();
        assertThat(FailureMix.Kind.SUCCESS.expects("FAILED", "OUT_OF_STOCK")).isFalse();
        assertThat(FailureMix.Kind.SHIP_FAIL.expects("FAILED", "ADDRESS_REJECTED")).isTrue();
        assertThat(FailureMix.Kind.SHIP_FAIL.expects("FAILED", "INSUFFICIENT_FUNDS")).isFalse();
        assertThat(FailureMix.Kind.OUT_OF_STOCK.expects("FAILED", "OUT_OF_STOCK")).isTrue();
        assertThat(FailureMix.Kind.OUT_OF_STOCK.expects("CANCELLED", null)).isFalse();
        assertThatThrownBy(() -> new FailureMix(80, 30)).isInstanceOf(IllegalArgumentException.class);
    }
}
