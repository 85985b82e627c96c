package io.sagaway.bench;

import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


/**
 * Which orders the load generator means to fail, and how: {@code shipFailPercent} of them go to
 * a country the shipping step does not serve, {@code outOfStockPercent} ask for a SKU without
 * stock, the rest should ship. Deterministic and evenly spread, so even a short run gets its share.
 */
public record FailureMix(double shipFailPercent, double outOfStockPercent) {

    /** The statuses an order ends in. */
    public static final Set<String> TERMINAL_STATUSES = Set.of("SHIPPED", "FAILED", "CANCELLED");
    /** The leading code of a failure reason, e.g. ADDRESS_REJECTED in "ADDRESS_REJECTED: country ZZ is not served". */
    private static final Pattern REASON_CODE = Pattern.compile("^[A-Z][A-Z_]+");

    /** frac(n·φ) for n = 1, 2, 3... spreads evenly over [0, 1) for every prefix of the sequence (a low-discrepancy sequence). */
    private static final double GOLDEN_RATIO_FRACTION = 0.6180339887498949;

    /** What an order is meant to do, and the outcome that shows it did. */
    public enum Kind {
        SUCCESS("SHIPPED", null),
        SHIP_FAIL("FAILED", "ADDRESS_REJECTED"),
        OUT_OF_STOCK("FAILED", "OUT_OF_STOCK");

        private final String status;
        private final String reasonCode;

        Kind(String status, String reasonCode) {
            this.status = status;
            this.reasonCode = reasonCode;
        }

        /** Whether a terminal {@code status} with the failure reason's leading code (null when none) is this kind's outcome. */
        public boolean expects(String terminalStatus, String failureCode) {
            return status.equals(terminalStatus) && (reasonCode == null || reasonCode.equals(failureCode));
        }
    }

    public FailureMix {
        if (shipFailPercent < 0 || outOfStockPercent < 0 || shipFailPercent + outOfStockPercent > 100) {
            throw new IllegalArgumentException("the failure percentages must be 0 or more and add up to 100 at most");
        }
    }

    /** The kind of the {@code sequence}-th order (from 0). */
    public Kind kindOf(long sequence) {
        double position = ((sequence + 1) * GOLDEN_RATIO_FRACTION) % 1.0 * 100;
        if (position < shipFailPercent) {
            return Kind.SHIP_FAIL;
        }
        return position < shipFailPercent + outOfStockPercent ? Kind.OUT_OF_STOCK : Kind.SUCCESS;
    }

    /** The leading code of a failure reason (its kind of failure), or null when it has none. */
    public static String reasonCode(String reason) {
        if (reason == null) {
            return null;
        }
        Matcher matcher = REASON_CODE.matcher(reason);
        return matcher.find() ? matcher.group() : null;
    }
}
