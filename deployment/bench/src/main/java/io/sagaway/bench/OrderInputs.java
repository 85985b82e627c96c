package io.sagaway.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;

/** The orders the benchmarks and the chaos run place: one unit at {@link #UNIT_PRICE}, shipped to Seoul unless meant to fail there. */
public final class OrderInputs {

    public static final BigDecimal UNIT_PRICE = new BigDecimal("1.00");
    /** No country's code (ISO 3166 leaves ZZ to users), so never served: shipping fails ADDRESS_REJECTED. */
    public static final String UNSERVED_COUNTRY = "ZZ";

    private OrderInputs() {
    }

    /** placeOrder's {@code input} for one unit of {@code sku}: a ship-fail order goes to the unserved country. */
    public static JsonObject oneUnit(FailureMix.Kind kind, String customerId, String sku) {
        String country = kind == FailureMix.Kind.SHIP_FAIL ? UNSERVED_COUNTRY : "KR";
        return new JsonObject()
            .put("customerId", customerId)
            .put("items", new JsonArray().add(new JsonObject().put("sku", sku).put("quantity", 1).put("unitPrice", UNIT_PRICE.toPlainString())))
            .put("shippingAddress", new JsonObject().put("line1", "1 Sejong-daero").put("city", "Seoul").put("postalCode", "04524")
                .put("country", country));
    }
}
