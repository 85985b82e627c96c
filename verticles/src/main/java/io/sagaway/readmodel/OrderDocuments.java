package io.sagaway.readmodel;

import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.order.domain.OrderStatus;
import io.sagaway.order.domain.OrderView;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * An order as the {@code orders} index holds it: the order's whole state (so the projector can
 * replay the next event onto it with the aggregate's own {@code apply}), money both as the exact
 * decimal string and as long minor units for sorting and ranges, and when it was committed and
 * projected.
 */
public final class OrderDocuments {

    private OrderDocuments() {
    }

    /** Money in minor units (hundredths); amounts have at most two decimals by the input rules. */
    public static long minor(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.UNNECESSARY).movePointRight(2).longValueExact();
    }

    public static JsonObject toDocument(OrderView v, Instant committedAt, Instant projectedAt) {
        JsonArray items = new JsonArray();
        JsonArray skus = new JsonArray();
        for (OrderItem item : v.items()) {
            items.add(new JsonObject().put("sku", item.sku()).put("quantity", item.quantity())
                .put("unitPrice", item.unitPrice().toPlainString()).put("unitPriceMinor", minor(item.unitPrice())));
            if (!skus.contains(item.sku())) {
                skus.add(item.sku());
            }
        }
        Address a = v.shippingAddress();
        return new JsonObject()
            .put("id", v.id())
            .put("customerId", v.customerId())
            .put("status", v.status().name())
            .put("items", items)
            .put("skus", skus)
            .put("totalAmount", v.totalAmount().toPlainString())
            .put("totalMinor", minor(v.totalAmount()))
            .put("currency", v.currency())
            .put("shippingAddress", new JsonObject().put("line1", a.line1()).put("city", a.city())
                .put("postalCode", a.postalCode()).put("country", a.country()))
            .put("trackingNumber", v.trackingNumber())
            .put("paymentId", v.paymentId())
            .put("reservationId", v.reservationId())
            .put("shipmentId", v.shipmentId())
            .put("failureReason", v.failureReason())
            .put("cancellationRequested", v.cancellationRequested())
            .put("version", v.version())
            .put("createdAt", v.createdAt().toString())
            .put("updatedAt", v.updatedAt().toString())
            .put("committedAt", committedAt.toString())
            .put("projectedAt", projectedAt.toString());
    }

    public static OrderView toView(JsonObject d) {
        List<OrderItem> items = new ArrayList<>();
        d.getJsonArray("items", new JsonArray()).forEach(o -> {
            JsonObject i = (JsonObject) o;
            items.add(new OrderItem(i.getString("sku"), i.getInteger("quantity"), new BigDecimal(i.getString("unitPrice"))));
        });
        JsonObject a = d.getJsonObject("shippingAddress", new JsonObject());
        return new OrderView(d.getString("id"), d.getString("customerId"), OrderStatus.valueOf(d.getString("status")), items,
            new Address(a.getString("line1"), a.getString("city"), a.getString("postalCode"), a.getString("country")),
            d.getString("currency"), new BigDecimal(d.getString("totalAmount")), d.getString("paymentId"),
            d.getString("reservationId"), d.getString("shipmentId"), d.getString("trackingNumber"), d.getString("failureReason"),
            d.getBoolean("cancellationRequested", false), d.getInteger("version"), Instant.parse(d.getString("createdAt")),
            Instant.parse(d.getString("updatedAt")));
    }
}
