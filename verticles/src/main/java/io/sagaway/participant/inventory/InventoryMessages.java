package io.sagaway.participant.inventory;

import io.sagaway.messaging.Envelope;
import io.sagaway.participant.MessageReader;
import io.sagaway.participant.Reply;
import io.sagaway.participant.Request;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The inventory participant's requests and its sealed family of replies: each message's type is
 * its record's name, and its fields are written and read here, nowhere else.
 */
public final class InventoryMessages {

    private InventoryMessages() {
    }

    public sealed interface InventoryRequest extends Request permits ReserveStock, ReleaseStock {
    }

    /** @param items the order's lines as sent, in the order's order; a SKU may appear twice */
    public record ReserveStock(String sagaId, String orderId, String customerId, List<Item> items) implements InventoryRequest {

        public record Item(String sku, int quantity) {
            public Item {
                Objects.requireNonNull(sku, "sku");
            }
        }

        public ReserveStock {
            items = List.copyOf(items);
        }

        /** Quantity per SKU, sorted by SKU: the order its rows are locked in. */
        public TreeMap<String, Integer> quantities() {
            TreeMap<String, Integer> quantities = new TreeMap<>();
            items.forEach(item -> quantities.merge(item.sku(), item.quantity(), Integer::sum));
            return quantities;
        }

        @Override
        public JsonObject payload() {
            JsonArray lines = new JsonArray();
            items.forEach(item -> lines.add(new JsonObject().put("sku", item.sku()).put("quantity", item.quantity())));
            return InventoryRequest.super.payload().put("items", lines);
        }
    }

    public record ReleaseStock(String sagaId, String orderId, String customerId) implements InventoryRequest {
    }

    public sealed interface InventoryReply extends Reply permits InventoryReserved, InventoryRejected, InventoryReleased {
    }

    public record InventoryReserved(String orderId, String reservationId) implements InventoryReply {
        public JsonObject payload() {
            return new JsonObject().put("orderId", orderId).put("reservationId", reservationId);
        }
    }

    /** The reservation was refused; {@code reason} starts with OUT_OF_STOCK. */
    public record InventoryRejected(String orderId, String reason) implements InventoryReply {
        public JsonObject payload() {
            return new JsonObject().put("orderId", orderId).put("reason", reason);
        }
    }

    public record InventoryReleased(String orderId) implements InventoryReply {
        public JsonObject payload() {
            return new JsonObject().put("orderId", orderId);
        }
    }

    private static final MessageReader<InventoryRequest> REQUESTS = new MessageReader<>(InventoryRequest.class, "inventory")
        .reads(ReserveStock.class, e -> new ReserveStock(e.payload().getString("sagaId"), e.aggregateId(),
            e.payload().getString("customerId"), items(e.payload().getJsonArray("items", new JsonArray()))))
        .reads(ReleaseStock.class, e -> new ReleaseStock(e.payload().getString("sagaId"), e.aggregateId(),
            e.payload().getString("customerId")));

    /** What the saga reads of inventory's replies; the order id is the envelope's, as for requests. */
    public static final MessageReader<InventoryReply> REPLIES = new MessageReader<>(InventoryReply.class, "the inventory replies' reader")
        .reads(InventoryReserved.class, e -> new InventoryReserved(e.aggregateId(), e.payload().getString("reservationId")))
        .reads(InventoryRejected.class, e -> new InventoryRejected(e.aggregateId(), e.payload().getString("reason")))
        .reads(InventoryReleased.class, e -> new InventoryReleased(e.aggregateId()));

    public static InventoryRequest parse(Envelope envelope) {
        return REQUESTS.read(envelope);
    }

    /** A line without a SKU or a quantity fails here, before any stock is touched. */
    private static List<ReserveStock.Item> items(JsonArray json) {
        List<ReserveStock.Item> items = new ArrayList<>(json.size());
        for (int i = 0; i < json.size(); i++) {
            JsonObject item = json.getJsonObject(i);
            items.add(new ReserveStock.Item(item.getString("sku"), item.getInteger("quantity")));
        }
        return items;
    }

    static JsonObject itemsJson(Map<String, Integer> quantities) {
        JsonObject json = new JsonObject();
        quantities.forEach(json::put);
        return json;
    }
}
