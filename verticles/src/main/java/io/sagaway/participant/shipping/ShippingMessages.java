package io.sagaway.participant.shipping;

import io.sagaway.messaging.Envelope;
import io.sagaway.order.domain.Address;
import io.sagaway.participant.MessageReader;
import io.sagaway.participant.Reply;
import io.sagaway.participant.Request;
import io.vertx.core.json.JsonObject;

/**
 * The shipping participant's requests and its sealed family of replies: each message's type is
 * its record's name, and its fields are written and read here, nowhere else.
 */
public final class ShippingMessages {

    private ShippingMessages() {
    }

    public sealed interface ShippingRequest extends Request permits CreateShipment, CancelShipment {
    }

    /** @param address sent as {@code shippingAddress} */
    public record CreateShipment(String sagaId, String orderId, String customerId, Address address) implements ShippingRequest {
        @Override
        public JsonObject payload() {
            return ShippingRequest.super.payload().put("shippingAddress", new JsonObject()
                .put("line1", address.line1()).put("city", address.city())
                .put("postalCode", address.postalCode()).put("country", address.country()));
        }
    }

    public record CancelShipment(String sagaId, String orderId, String customerId) implements ShippingRequest {
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

    private static final MessageReader<ShippingRequest> REQUESTS = new MessageReader<>(ShippingRequest.class, "shipping")
        .reads(CreateShipment.class, e -> new CreateShipment(e.payload().getString("sagaId"), e.aggregateId(),
            e.payload().getString("customerId"), address(e.payload().getJsonObject("shippingAddress", new JsonObject()))))
        .reads(CancelShipment.class, e -> new CancelShipment(e.payload().getString("sagaId"), e.aggregateId(),
            e.payload().getString("customerId")));

    /** What the saga reads of shipping's replies; the order id is the envelope's, as for requests. */
    public static final MessageReader<ShippingReply> REPLIES = new MessageReader<>(ShippingReply.class, "the shipping replies' reader")
        .reads(ShipmentCreated.class, e -> new ShipmentCreated(e.aggregateId(), e.payload().getString("shipmentId"),
            e.payload().getString("trackingNumber")))
        .reads(ShipmentRejected.class, e -> new ShipmentRejected(e.aggregateId(), e.payload().getString("reason")))
        .reads(ShipmentCancelled.class, e -> new ShipmentCancelled(e.aggregateId()));

    public static ShippingRequest parse(Envelope envelope) {
        return REQUESTS.read(envelope);
    }

    private static Address address(JsonObject a) {
        return new Address(a.getString("line1"), a.getString("city"), a.getString("postalCode"), a.getString("country"));
    }
}
