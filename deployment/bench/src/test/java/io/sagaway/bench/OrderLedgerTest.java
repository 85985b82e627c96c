package io.sagaway.bench;

import io.vertx.core.Future;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OrderLedgerTest {

    private static final long MS = 1_000_000;
    /** Warm-up until 1 s, load until 5 s. */
    private final OrderLedger ledger = new OrderLedger(1000 * MS, 5000 * MS);

    @Test
    void aSteadyStateOrderCountsItsAcceptLatencyFromWhenItWasDueAndItsCompletionFromItsAcceptance() {
        ledger.placed();
        Future<String> terminal = ledger.accepted("o-1", FailureMix.Kind.SUCCESS, 2000 * MS, 2030 * MS);
        ledger.update("o-1", "PAID", null, 2100 * MS);
        assertThat(terminal.isComplete()).isFalse();

        ledger.update("o-1", "SHIPPED", null, 2530 * MS);

        assertThat(terminal.result()).isEqualTo("SHIPPED");
        OrderLedger.Totals totals = ledger.totals();
        assertThat(totals.acceptMillis().p50()).isEqualTo(30);
        assertThat(totals.completionMillis().p50()).isEqualTo(500);
        assertThat(totals.completed()).isEqualTo(1);
        assertThat(totals.completedInSteadyState()).isEqualTo(1);
        assertThat(totals.outcomes()).containsEntry("SHIPPED", 1L);
        assertThat(totals.unexpectedOutcomes()).isZero();
        assertThat(ledger.settled()).isTrue();
    }

    @Test
    void warmUpOrdersAndCompletionsDuringTheDrainStayOutOfTheSteadyStateFigures() {
        ledger.placed();
        ledger.accepted("early", FailureMix.Kind.SUCCESS, 500 * MS, 510 * MS);
        ledger.placed();
        ledger.accepted("late", FailureMix.Kind.SUCCESS, 4900 * MS, 4910 * MS);
        ledger.update("early", "SHIPPED", null, 1500 * MS);
        ledger.update("late", "SHIPPED", null, 5500 * MS);

        OrderLedger.Totals totals = ledger.totals();
        assertThat(totals.acceptMillis().count()).isEqualTo(1);
        assertThat(totals.completionMillis().count()).isEqualTo(1);
        assertThat(totals.completed()).isEqualTo(2);
        assertThat(totals.completedInSteadyState()).isEqualTo(1);
    }

    @Test
    void aTerminalStatusSeenBeforeTheAcceptanceCameBackStillCounts() {
        ledger.placed();
        ledger.update("o-2", "FAILED", "OUT_OF_STOCK: SKU BENCH-LOAD-EMPTY has 0 available", 3000 * MS);

        Future<String> terminal = ledger.accepted("o-2", FailureMix.Kind.OUT_OF_STOCK, 2000 * MS, 2900 * MS);

        assertThat(terminal.result()).isEqualTo("FAILED");
        assertThat(ledger.totals().failureReasons()).containsEntry("OUT_OF_STOCK", 1L);
        assertThat(ledger.totals().unexpectedOutcomes()).isZero();
    }

    @Test
    void refusalsAndTransportFailuresAreCountedApartAndAnUnfinishedOrderStaysInFlight() {
        ledger.placed();
        ledger.refused("BAD_USER_INPUT");
        ledger.placed();
        ledger.transportFailed("connection refused");
        ledger.connectionTrouble("subscription of alice ended: the connection closed");
        ledger.placed();
        ledger.accepted("stuck", FailureMix.Kind.SUCCESS, 2000 * MS, 2010 * MS);
        ledger.placed();
        ledger.accepted("wrong", FailureMix.Kind.SHIP_FAIL, 2000 * MS, 2010 * MS);
        ledger.update("wrong", "SHIPPED", null, 2500 * MS);

        OrderLedger.Progress progress = ledger.progress();
        assertThat(progress.errors()).isEqualTo(2);
        assertThat(progress.inFlight()).isEqualTo(1);
        assertThat(ledger.settled()).isFalse();
        OrderLedger.Totals totals = ledger.totals();
        assertThat(totals.errorsByCode()).containsExactly(Map.entry("BAD_USER_INPUT", 1L));
        assertThat(totals.transportErrors()).containsKeys("connection refused", "subscription of alice ended: the connection closed");
        assertThat(totals.notFinished()).isEqualTo(1);
        assertThat(totals.unexpectedOutcomes()).isEqualTo(1);
    }

    @Test
    void theReasonCodeIsTheLeadingUpperCaseWord() {
        assertThat(FailureMix.reasonCode("ADDRESS_REJECTED: country ZZ is not served")).isEqualTo("ADDRESS_REJECTED");
        assertThat(FailureMix.reasonCode("OUT_OF_STOCK")).isEqualTo("OUT_OF_STOCK");
        assertThat(FailureMix.reasonCode("cancelled by alice")).isNull();
        assertThat(FailureMix.reasonCode(null)).isNull();
    }
}
