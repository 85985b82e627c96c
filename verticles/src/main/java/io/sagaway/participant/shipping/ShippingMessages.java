package io.sagaway.participant.shipping;

import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.PoisonMessageException;
import io.sagaway.order.domain.Address;
import io.sagaway.participant.Reply;
import io.vertx.core.json.JsonObject;

/** The shipping participant's requests and its sealed family of replies. */
public final class ShippingMessages {

    private ShippingMessages() {
    }

    public sealed interface ShippingRequest permits CreateShipment, CancelShipment {
        String orderId();
    }

    public record CreateShipment(String orderId, Address address) implements ShippingRequest {
    }

    public record CancelShipment(String orderId) implements ShippingRequest {
    }

    public sealed interface ShippingReply extends Reply permits ShipmentCreated, ShipmentRejected, ShipmentCancelled {
    }

    public record ShipmentCreated(String orderId, String shipmentId, String trackingNumber) implements ShippingReply {
        public JsonObject payload() {
            return new JsonObject().put("orderId", orderId).put("shipmentId", shipmentId).put("trackingNumber", trackingNumber);
        }
    }

    /** The shipment was refused; {@code reason} starts with ADDRESS_REJECTED. */
    public record ShipmentRejected(String orderId, String reason) implements ShippingReply {
        public JsonObject payload() {
            return new JsonObject().put("orderId", orderId).put("reason", reason);
        }
    }

    public record ShipmentCancelled(String orderId) implements ShippingReply {
        public JsonObject payload() {
            return new JsonObject().put("orderId", orderId);
        }
    }

    public static ShippingRequest parse(Envelope envelope) {
        return switch (envelope.type()) {
            case "CreateShipment" -> {
                JsonObject a = envelope.payload().getJsonObject("shippingAddress", new JsonObject());
                yield new CreateShipment(envelope.aggregateId(),
                    new Address(a.getString("line1"), a.getString("city"), a.getString("postalCode"), a.getString("country")));
            }
            case "CancelShipment" -> new CancelShipment(envelope.aggregateId());
            default -> throw new PoisonMessageException("shipping cannot handle a " + envelope.type());
        };
    }
}
