package io.sagaway.participant.inventory;

import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.PoisonMessageException;
import io.sagaway.participant.Reply;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;

/** The inventory participant's requests and its sealed family of replies. */
public final class InventoryMessages {

    private InventoryMessages() {
    }

    public sealed interface InventoryRequest permits ReserveStock, ReleaseStock {
        String orderId();
    }

    /** @param quantities quantity per SKU, sorted by SKU (the order rows are locked in) */
    public record ReserveStock(String orderId, TreeMap<String, Integer> quantities) implements InventoryRequest {
    }

    public record ReleaseStock(String orderId) implements InventoryRequest {
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

    public static InventoryRequest parse(Envelope envelope) {
        return switch (envelope.type()) {
            case "ReserveStock" -> {
                TreeMap<String, Integer> quantities = new TreeMap<>();
                JsonArray items = envelope.payload().getJsonArray("items", new JsonArray());
                for (int i = 0; i < items.size(); i++) {
                    JsonObject item = items.getJsonObject(i);
                    quantities.merge(item.getString("sku"), item.getInteger("quantity"), Integer::sum);
                }
                yield new ReserveStock(envelope.aggregateId(), quantities);
            }
            case "ReleaseStock" -> new ReleaseStock(envelope.aggregateId());
            default -> throw new PoisonMessageException("inventory cannot handle a " + envelope.type());
        };
    }

    static JsonObject itemsJson(Map<String, Integer> quantities) {
        JsonObject json = new JsonObject();
        quantities.forEach(json::put);
        return json;
    }
}
