package io.sagaway.participant.shipping;

import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.TopicNames;
import io.sagaway.participant.Participant;
import io.sagaway.participant.Reply;
import io.sagaway.participant.shipping.ShippingMessages.CancelShipment;
import io.sagaway.participant.shipping.ShippingMessages.CreateShipment;
import io.sagaway.participant.shipping.ShippingMessages.ShipmentCancelled;
import io.sagaway.participant.shipping.ShippingMessages.ShipmentCreated;
import io.sagaway.participant.shipping.ShippingMessages.ShipmentRejected;
import io.sagaway.participant.shipping.ShippingMessages.ShippingReply;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/** Shipping: shipments with tracking numbers, to the countries configured as served. */
public final class ShippingParticipant implements Participant {

    public static final String NAME = "shipping";
    public static final Set<String> DEFAULT_COUNTRIES = Set.of("KR", "US", "JP", "DE", "GB", "FR");

    private final TopicNames topics;
    private final Set<String> servedCountries;

    public ShippingParticipant(TopicNames topics, Set<String> servedCountries) {
        this.topics = topics;
        this.servedCountries = Set.copyOf(servedCountries);
    }

    @Override
    public String name() {
        return topics.consumer(NAME);
    }

    @Override
    public String requestTopic() {
        return topics.shippingRequests();
    }

    @Override
    public String replyTopic() {
        return topics.shippingReplies();
    }

    /** Shipments touch only their own order's row. */
    @Override
    public boolean interleaves() {
        return true;
    }

    @Override
    public Future<Reply> handle(SqlConnection tx, Envelope request) {
        return switch (ShippingMessages.parse(request)) {
            case CreateShipment create -> create(tx, create).map(r -> r);
            case CancelShipment cancel -> cancel(tx, cancel).map(r -> r);
        };
    }

    private Future<ShippingReply> create(SqlConnection tx, CreateShipment create) {
        return shipmentOf(tx, create.orderId()).compose(existing -> {
            if (existing != null) {
                return Future.succeededFuture(outcome(create.orderId(), existing));
            }
            String problem = addressProblem(create);
            String shipmentId = "ship-" + UUID.randomUUID();
            String country = create.address() == null || create.address().country() == null ? null
                : create.address().country().toUpperCase(Locale.ROOT);
            String tracking = problem == null ? trackingNumber(country, shipmentId) : null;
            return tx.preparedQuery("""
                    INSERT INTO shipments (order_id, shipment_id, tracking_number, country, status, reason)
                    VALUES ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.from(new Object[] {create.orderId(), shipmentId, tracking, country,
                    problem == null ? "CREATED" : "REJECTED", problem}))
                .map(v -> problem == null
                    ? new ShipmentCreated(create.orderId(), shipmentId, tracking)
                    : new ShipmentRejected(create.orderId(), problem));
        });
    }

    private String addressProblem(CreateShipment create) {
        var a = create.address();
        if (a == null) {
            return "ADDRESS_REJECTED: no shipping address";
        }
        for (var field : new String[][] {{"line1", a.line1()}, {"city", a.city()}, {"postalCode", a.postalCode()}, {"country", a.country()}}) {
            if (field[1] == null || field[1].isBlank()) {
                return "ADDRESS_REJECTED: " + field[0] + " is blank";
            }
        }
        String country = a.country().toUpperCase(Locale.ROOT);
        if (!servedCountries.contains(country)) {
            return "ADDRESS_REJECTED: country " + country + " is not served (served: " + String.join(", ", new TreeSet<>(servedCountries)) + ")";
        }
        return null;
    }

    private Future<ShippingReply> cancel(SqlConnection tx, CancelShipment cancel) {
        return shipmentOf(tx, cancel.orderId()).compose(existing -> {
            if (existing == null) {
                // Nothing was shipped: a tombstone makes a late shipment request of this order fail.
                return tx.preparedQuery("""
                        INSERT INTO shipments (order_id, shipment_id, status, reason) VALUES ($1, $2, 'VOIDED', 'cancelled before creation')""")
                    .execute(Tuple.of(cancel.orderId(), "void-" + cancel.orderId()))
                    .map(v -> new ShipmentCancelled(cancel.orderId()));
            }
            if (!"CREATED".equals(existing.getString("status"))) {
                return Future.succeededFuture(new ShipmentCancelled(cancel.orderId()));
            }
            return tx.preparedQuery("UPDATE shipments SET status = 'CANCELLED', updated_at = now() WHERE order_id = $1")
                .execute(Tuple.of(cancel.orderId()))
                .map(v -> new ShipmentCancelled(cancel.orderId()));
        });
    }

    private static Future<Row> shipmentOf(SqlConnection tx, String orderId) {
        return tx.preparedQuery("SELECT * FROM shipments WHERE order_id = $1 FOR UPDATE").execute(Tuple.of(orderId))
            .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
    }

    private static ShippingReply outcome(String orderId, Row shipment) {
        return switch (shipment.getString("status")) {
            case "CREATED" -> new ShipmentCreated(orderId, shipment.getString("shipment_id"), shipment.getString("tracking_number"));
            case "REJECTED" -> new ShipmentRejected(orderId, shipment.getString("reason"));
            default -> new ShipmentRejected(orderId, "ADDRESS_REJECTED: the shipment of this order was voided by a cancellation");
        };
    }

    /** Country code plus twelve digits derived from the shipment id. */
    private static String trackingNumber(String country, String shipmentId) {
        long digits = Math.floorMod(UUID.nameUUIDFromBytes(shipmentId.getBytes(StandardCharsets.UTF_8))
            .getMostSignificantBits(), 1_000_000_000_000L);
        return country + String.format(Locale.ROOT, "%012d", digits);
    }
}
