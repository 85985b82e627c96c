package io.sagaway.order.domain;

import java.math.BigDecimal;

/** One line of an order. Money is exact: {@link BigDecimal}, never a binary float. */
public record OrderItem(String sku, int quantity, BigDecimal unitPrice) {

    public BigDecimal lineTotal() {
        return unitPrice.multiply(BigDecimal.valueOf(quantity));
    }
}
