package io.sagaway.chaos;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FaultInjectorTest {

    private static final long END = 270;
    private static final long LATEST = 390;

    @Test
    void beforeTheEndEveryTurnMayStartAgainAndAgain() {
        assertThat(FaultInjector.mayStart(10, END, LATEST, 0, 7)).isTrue();
        assertThat(FaultInjector.mayStart(269, END, LATEST, 12, 7)).as("a second round, within the time").isTrue();
    }

    @Test
    void pastTheEndOnlyTheFirstRoundIsFinishedAndOnlyUntilTheLatestEnd() {
        assertThat(FaultInjector.mayStart(300, END, LATEST, 5, 7)).as("the list not through yet: the run goes on").isTrue();
        assertThat(FaultInjector.mayStart(300, END, LATEST, 7, 7)).as("every fault had its turn").isFalse();
        assertThat(FaultInjector.mayStart(390, END, LATEST, 5, 7)).as("never past the latest end").isFalse();
    }

    @Test
    void withoutARunOnPastTheEndNothingStartsAfterIt() {
        assertThat(FaultInjector.mayStart(270, END, END, 3, 7)).isFalse();
    }
}
