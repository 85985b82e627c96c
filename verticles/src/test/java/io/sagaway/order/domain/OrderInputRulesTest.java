package io.sagaway.order.domain;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class OrderInputRulesTest {

    private static final Address ADDRESS = new Address("1 Main St", "Springfield", "12345", "US");
    private static final OrderItem ITEM = new OrderItem("SKU-1", 1, new BigDecimal("10.00"));

    private static OrderCommand.PlaceOrder order(String customer, List<OrderItem> items, Address address, String currency) {
        return new OrderCommand.PlaceOrder("o-1", customer, items, address, currency);
    }

    @Test
    void aValidOrderPasses() {
        assertThat(OrderInputRules.check(order("alice", List.of(ITEM), ADDRESS, "KRW"))).isEmpty();
        assertThat(OrderInputRules.check(order("a".repeat(64), Collections.nCopies(100, new OrderItem("S.k_u-9", 10_000, new BigDecimal("0.01"))),
            ADDRESS, "USD"))).isEmpty();
    }

    static Stream<Arguments> violations() {
        return Stream.of(
            Arguments.of(order("", List.of(ITEM), ADDRESS, "KRW"), "customerId"),
            Arguments.of(order("a".repeat(65), List.of(ITEM), ADDRESS, "KRW"), "customerId"),
            Arguments.of(order("al ice", List.of(ITEM), ADDRESS, "KRW"), "customerId"),
            Arguments.of(order("alice", List.of(), ADDRESS, "KRW"), "items"),
            Arguments.of(order("alice", Collections.nCopies(101, ITEM), ADDRESS, "KRW"), "items"),
            Arguments.of(order("alice", List.of(ITEM, new OrderItem("SKU/2", 1, BigDecimal.ONE)), ADDRESS, "KRW"), "items[1].sku"),
            Arguments.of(order("alice", List.of(new OrderItem("SKU-1", 0, BigDecimal.ONE)), ADDRESS, "KRW"), "items[0].quantity"),
            Arguments.of(order("alice", List.of(new OrderItem("SKU-1", 10_001, BigDecimal.ONE)), ADDRESS, "KRW"), "items[0].quantity"),
            Arguments.of(order("alice", List.of(new OrderItem("SKU-1", 1, BigDecimal.ZERO)), ADDRESS, "KRW"), "items[0].unitPrice"),
            Arguments.of(order("alice", List.of(new OrderItem("SKU-1", 1, new BigDecimal("-1"))), ADDRESS, "KRW"), "items[0].unitPrice"),
            Arguments.of(order("alice", List.of(new OrderItem("SKU-1", 1, new BigDecimal("1.005"))), ADDRESS, "KRW"), "items[0].unitPrice"),
            Arguments.of(order("alice", List.of(new OrderItem("SKU-1", 1, new BigDecimal("100000000000000000"))), ADDRESS, "KRW"),
                "items[0].unitPrice"),
            Arguments.of(order("alice", List.of(new OrderItem("SKU-1", 1, new BigDecimal("1000000000.01"))), ADDRESS, "KRW"),
                "items[0].unitPrice"),
            Arguments.of(order("alice", List.of(ITEM), new Address("l", "c".repeat(33_000), "1", "US"), "KRW"), "shippingAddress.city"),
            Arguments.of(order("alice", List.of(ITEM), new Address("l".repeat(201), "c", "1", "US"), "KRW"), "shippingAddress.line1"),
            Arguments.of(order("alice", List.of(ITEM), new Address("l", "c", "1".repeat(201), "US"), "KRW"), "shippingAddress.postalCode"),
            Arguments.of(order("alice", List.of(ITEM), new Address("l", "c", "1", "U".repeat(201)), "KRW"), "shippingAddress.country"),
            Arguments.of(order("alice", List.of(ITEM), new Address(" ", "City", "1", "US"), "KRW"), "shippingAddress.line1"),
            Arguments.of(order("alice", List.of(ITEM), new Address("l", "", "1", "US"), "KRW"), "shippingAddress.city"),
            Arguments.of(order("alice", List.of(ITEM), new Address("l", "c", "", "US"), "KRW"), "shippingAddress.postalCode"),
            Arguments.of(order("alice", List.of(ITEM), new Address("l", "c", "1", ""), "KRW"), "shippingAddress.country"),
            Arguments.of(order("alice", List.of(ITEM), null, "KRW"), "shippingAddress"),
            Arguments.of(order("alice", List.of(ITEM), ADDRESS, "krw"), "currency"),
            Arguments.of(order("alice", List.of(ITEM), ADDRESS, "KRWX"), "currency"));
    }

    @ParameterizedTest
    @MethodSource("violations")
    void eachRuleNamesTheOffendingField(OrderCommand.PlaceOrder order, String field) {
        assertThat(OrderInputRules.check(order)).hasValueSatisfying(v -> assertThat(v.field()).isEqualTo(field));
    }

    @Test
    void trailingZerosDoNotCountAsDecimals() {
        assertThat(OrderInputRules.positiveAmount("amount", new BigDecimal("10.500"), OrderInputRules.MAX_CREDIT)).isEmpty();
    }

    @Test
    void amountsTextsAndFiltersHaveUpperBounds() {
        assertThat(OrderInputRules.check(order("alice", List.of(new OrderItem("SKU-1", 1, new BigDecimal("1000000000.00"))), ADDRESS,
            "KRW"))).isEmpty();
        assertThat(OrderInputRules.check(order("alice", List.of(ITEM), new Address("l".repeat(200), "c", "1", "US"), "KRW"))).isEmpty();
        assertThat(OrderInputRules.positiveAmount("amount", new BigDecimal("1000000000000.01"), OrderInputRules.MAX_CREDIT))
            .hasValueSatisfying(v -> assertThat(v.message()).contains("at most 1000000000000.00"));
        assertThat(OrderInputRules.totalFilter("filter.minTotal", new BigDecimal("1e15"))).isEmpty();
        assertThat(OrderInputRules.totalFilter("filter.minTotal", new BigDecimal("1e30"))).isPresent();
        assertThat(OrderInputRules.totalFilter("filter.maxTotal", new BigDecimal("-0.01"))).isPresent();
        assertThat(OrderInputRules.stockDelta("delta", -1_000_000_000L)).isEmpty();
        assertThat(OrderInputRules.stockDelta("delta", 1_000_000_001L)).isPresent();
        assertThat(OrderInputRules.text("reason", "r".repeat(200))).isEmpty();
        assertThat(OrderInputRules.text("reason", "r".repeat(201))).isPresent();
    }
}
