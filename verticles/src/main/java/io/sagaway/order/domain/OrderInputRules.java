package io.sagaway.order.domain;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The contract's input rules ("Input rules" in CONTRACT.md): placing an order, and the bounds of
 * every id, amount and text the public API takes. Each violation names the offending field, as
 * GraphQL's {@code extensions.field} shows it (e.g. {@code items[2].unitPrice}). The bounds keep
 * whatever is accepted within what every part of the platform can carry: a total in minor units
 * fits a long, a text fits an Elasticsearch keyword.
 */
public final class OrderInputRules {

    public static final int MAX_ITEMS = 100;
    public static final int MAX_QUANTITY = 10_000;
    public static final BigDecimal MAX_UNIT_PRICE = new BigDecimal("1000000000.00");
    /** Most one credit of an account may add. */
    public static final BigDecimal MAX_CREDIT = new BigDecimal("1000000000000.00");
    /** Bounds of the minTotal and maxTotal filters. */
    public static final BigDecimal MAX_FILTER_TOTAL = new BigDecimal("1000000000000000");
    public static final long MAX_STOCK_DELTA = 1_000_000_000L;
    /** Address fields, reasons and idempotency keys. */
    public static final int MAX_TEXT = 200;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern CURRENCY = Pattern.compile("[A-Z]{3}");

    private OrderInputRules() {
    }

    /** A violation of the rules: the field and what is wrong with it. */
    public record Violation(String field, String message) {
    }

    public static Optional<Violation> check(OrderCommand.PlaceOrder order) {
        return firstOf(
            id("customerId", order.customerId()),
            items(order.items()),
            address(order.shippingAddress()),
            currency(order.currency()));
    }

    /** Ids and SKUs: 1 to 64 characters of letters, digits, dot, underscore and hyphen. */
    public static Optional<Violation> id(String field, String value) {
        if (value == null || !ID.matcher(value).matches()) {
            return Optional.of(new Violation(field, field + " must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' or '-'"));
        }
        return Optional.empty();
    }

    /** A positive amount of at most {@code max}, with at most two decimals. */
    public static Optional<Violation> positiveAmount(String field, BigDecimal amount, BigDecimal max) {
        if (amount == null || amount.signum() <= 0) {
            return Optional.of(new Violation(field, field + " must be greater than 0"));
        }
        if (amount.compareTo(max) > 0) {
            return Optional.of(new Violation(field, field + " must be at most " + max.toPlainString()));
        }
        if (amount.stripTrailingZeros().scale() > 2) {
            return Optional.of(new Violation(field, field + " must have at most 2 decimals"));
        }
        return Optional.empty();
    }

    /** An optional amount filter: absent, or from 0 to {@link #MAX_FILTER_TOTAL}. */
    public static Optional<Violation> totalFilter(String field, BigDecimal amount) {
        if (amount != null && (amount.signum() < 0 || amount.compareTo(MAX_FILTER_TOTAL) > 0)) {
            return Optional.of(new Violation(field, field + " must be from 0 to " + MAX_FILTER_TOTAL.toPlainString()));
        }
        return Optional.empty();
    }

    /** A stock adjustment: a whole number within plus or minus {@link #MAX_STOCK_DELTA}. */
    public static Optional<Violation> stockDelta(String field, long delta) {
        if (Math.abs(delta) > MAX_STOCK_DELTA) {
            return Optional.of(new Violation(field, field + " must be within plus or minus " + MAX_STOCK_DELTA));
        }
        return Optional.empty();
    }

    /** An optional text of at most {@link #MAX_TEXT} characters. */
    public static Optional<Violation> text(String field, String value) {
        if (value != null && value.length() > MAX_TEXT) {
            return Optional.of(new Violation(field, field + " must be at most " + MAX_TEXT + " characters"));
        }
        return Optional.empty();
    }

    /** An optional id: absent, or as {@link #id}. */
    public static Optional<Violation> optionalId(String field, String value) {
        return value == null ? Optional.empty() : id(field, value);
    }

    private static Optional<Violation> items(List<OrderItem> items) {
        if (items == null || items.isEmpty()) {
            return Optional.of(new Violation("items", "items must not be empty"));
        }
        if (items.size() > MAX_ITEMS) {
            return Optional.of(new Violation("items", "items must hold at most " + MAX_ITEMS + " lines"));
        }
        for (int i = 0; i < items.size(); i++) {
            OrderItem item = items.get(i);
            String at = "items[" + i + "]";
            if (item == null) {
                return Optional.of(new Violation(at, at + " must not be null"));
            }
            Optional<Violation> problem = firstOf(
                id(at + ".sku", item.sku()),
                item.quantity() < 1 || item.quantity() > MAX_QUANTITY
                    ? Optional.of(new Violation(at + ".quantity", at + ".quantity must be from 1 to " + MAX_QUANTITY))
                    : Optional.empty(),
                positiveAmount(at + ".unitPrice", item.unitPrice(), MAX_UNIT_PRICE));
            if (problem.isPresent()) {
                return problem;
            }
        }
        return Optional.empty();
    }

    private static Optional<Violation> address(Address address) {
        if (address == null) {
            return Optional.of(new Violation("shippingAddress", "shippingAddress is required"));
        }
        return firstOf(
            nonBlank("shippingAddress.line1", address.line1()),
            nonBlank("shippingAddress.city", address.city()),
            nonBlank("shippingAddress.postalCode", address.postalCode()),
            nonBlank("shippingAddress.country", address.country()));
    }

    private static Optional<Violation> currency(String currency) {
        if (currency == null || !CURRENCY.matcher(currency).matches()) {
            return Optional.of(new Violation("currency", "currency must be a three-letter upper-case code such as KRW"));
        }
        return Optional.empty();
    }

    private static Optional<Violation> nonBlank(String field, String value) {
        return value == null || value.isBlank() ? Optional.of(new Violation(field, field + " must not be blank")) : text(field, value);
    }

    @SafeVarargs
    public static Optional<Violation> firstOf(Optional<Violation>... checks) {
        for (Optional<Violation> check : checks) {
            if (check.isPresent()) {
                return check;
            }
        }
        return Optional.empty();
    }
}
