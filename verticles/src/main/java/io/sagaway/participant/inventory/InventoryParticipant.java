package io.sagaway.participant.inventory;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.messaging.Addresses;
import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.TopicNames;
import io.sagaway.order.domain.OrderInputRules;
import io.sagaway.participant.Participant;
import io.sagaway.participant.ParticipantVerticle;
import io.sagaway.participant.Reply;
import io.sagaway.participant.inventory.InventoryMessages.InventoryRejected;
import io.sagaway.participant.inventory.InventoryMessages.InventoryReleased;
import io.sagaway.participant.inventory.InventoryMessages.InventoryReply;
import io.sagaway.participant.inventory.InventoryMessages.InventoryReserved;
import io.sagaway.participant.inventory.InventoryMessages.ReleaseStock;
import io.sagaway.participant.inventory.InventoryMessages.ReserveStock;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Inventory: stock per SKU with available and reserved counts. A reservation locks its SKUs' rows
 * in SKU order (no deadlocks), checks every line, then moves quantities from available to
 * reserved, so stock never goes negative and is never oversold, whatever the concurrency.
 */
public final class InventoryParticipant implements Participant {

    private final TopicNames topics;

    public static final String NAME = "inventory";

    public InventoryParticipant(TopicNames topics) {
        this.topics = topics;
    }

    @Override
    public String name() {
        return topics.consumer(NAME);
    }

    @Override
    public String requestTopic() {
        return topics.inventoryRequests();
    }

    @Override
    public String replyTopic() {
        return topics.inventoryReplies();
    }

    @Override
    public Future<Reply> handle(SqlConnection tx, Envelope request) {
        return switch (InventoryMessages.parse(request)) {
            case ReserveStock reserve -> reserve(tx, reserve).map(r -> r);
            case ReleaseStock release -> release(tx, release).map(r -> r);
        };
    }

    private Future<InventoryReply> reserve(SqlConnection tx, ReserveStock reserve) {
        return reservationOf(tx, reserve.orderId()).compose(existing -> {
            if (existing != null) {
                return Future.succeededFuture(outcome(reserve.orderId(), existing));
            }
            return tx.preparedQuery("SELECT sku, available FROM inventory_stock WHERE sku = ANY($1) ORDER BY sku FOR UPDATE")
                .execute(Tuple.of(reserve.quantities().keySet().toArray(String[]::new)))
                .compose(rows -> {
                    Map<String, Integer> available = new HashMap<>();
                    rows.forEach(row -> available.put(row.getString("sku"), row.getInteger("available")));
                    String shortfall = shortfall(reserve.quantities(), available);
                    if (shortfall != null) {
                        return save(tx, reserve, "REJECTED", shortfall)
                            .map(id -> (InventoryReply) new InventoryRejected(reserve.orderId(), shortfall));
                    }
                    List<Tuple> moves = reserve.quantities().entrySet().stream().map(e -> Tuple.of(e.getKey(), e.getValue())).toList();
                    return tx.preparedQuery("""
                            UPDATE inventory_stock SET available = available - $2, reserved = reserved + $2, updated_at = now()
                            WHERE sku = $1""")
                        .executeBatch(moves)
                        .compose(v -> save(tx, reserve, "RESERVED", null))
                        .map(id -> (InventoryReply) new InventoryReserved(reserve.orderId(), id));
                });
        });
    }

    private static String shortfall(Map<String, Integer> wanted, Map<String, Integer> available) {
        for (var line : wanted.entrySet()) {
            Integer have = available.get(line.getKey());
            if (have == null) {
                return "OUT_OF_STOCK: SKU " + line.getKey() + " is unknown";
            }
            if (have < line.getValue()) {
                return "OUT_OF_STOCK: SKU " + line.getKey() + " has " + have + " available, " + line.getValue() + " requested";
            }
        }
        return null;
    }

    private Future<InventoryReply> release(SqlConnection tx, ReleaseStock release) {
        return reservationOf(tx, release.orderId()).compose(existing -> {
            if (existing == null) {
                // Nothing was reserved: a tombstone makes a late reservation of this order fail instead of holding stock.
                return tx.preparedQuery("""
                        INSERT INTO inventory_reservations (order_id, reservation_id, status, items, reason)
                        VALUES ($1, $2, 'VOIDED', '{}', 'released before any reservation')""")
                    .execute(Tuple.of(release.orderId(), "void-" + release.orderId()))
                    .map(v -> new InventoryReleased(release.orderId()));
            }
            if (!"RESERVED".equals(existing.getString("status"))) {
                return Future.succeededFuture(new InventoryReleased(release.orderId()));
            }
            JsonObject items = existing.getJsonObject("items");
            List<Tuple> moves = items.fieldNames().stream().sorted().map(sku -> Tuple.of(sku, items.getInteger(sku))).toList();
            return tx.preparedQuery("""
                    UPDATE inventory_stock SET available = available + $2, reserved = reserved - $2, updated_at = now()
                    WHERE sku = $1""")
                .executeBatch(moves)
                .compose(v -> tx.preparedQuery("UPDATE inventory_reservations SET status = 'RELEASED', updated_at = now() WHERE order_id = $1")
                    .execute(Tuple.of(release.orderId())))
                .map(v -> new InventoryReleased(release.orderId()));
        });
    }

    private static Future<Row> reservationOf(SqlConnection tx, String orderId) {
        return tx.preparedQuery("SELECT * FROM inventory_reservations WHERE order_id = $1 FOR UPDATE").execute(Tuple.of(orderId))
            .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
    }

    private static InventoryReply outcome(String orderId, Row reservation) {
        return switch (reservation.getString("status")) {
            case "RESERVED" -> new InventoryReserved(orderId, reservation.getString("reservation_id"));
            case "REJECTED" -> new InventoryRejected(orderId, reservation.getString("reason"));
            default -> new InventoryRejected(orderId, "OUT_OF_STOCK: the reservation of this order was voided by a release");
        };
    }

    private static Future<String> save(SqlConnection tx, ReserveStock reserve, String status, String reason) {
        String reservationId = "res-" + UUID.randomUUID();
        return tx.preparedQuery("""
                INSERT INTO inventory_reservations (order_id, reservation_id, status, items, reason) VALUES ($1, $2, $3, $4, $5)""")
            .execute(Tuple.of(reserve.orderId(), reservationId, status, InventoryMessages.itemsJson(reserve.quantities()), reason))
            .map(reservationId);
    }

    // --- operator actions ---

    @Override
    public String operatorAddress() {
        return Addresses.INVENTORY_COMMANDS;
    }

    @Override
    public Future<JsonObject> operate(Pool pool, JsonObject message) {
        String sku = message.getString("sku");
        var badSku = OrderInputRules.id("sku", sku);
        if (badSku.isPresent()) {
            return ParticipantVerticle.badInput("sku", badSku.get().message());
        }
        return switch (String.valueOf(message.getString("action"))) {
            case "GetStock" -> pool.preparedQuery("SELECT sku, available, reserved FROM inventory_stock WHERE sku = $1")
                .execute(Tuple.of(sku)).map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
            case "AdjustStock" -> adjust(pool, sku, message.getValue("delta"));
            default -> ParticipantVerticle.badInput("action", "unknown inventory action " + message.getString("action"));
        };
    }

    private static Future<JsonObject> adjust(Pool pool, String sku, Object deltaValue) {
        if (!(deltaValue instanceof Number number) || number.longValue() != number.doubleValue()) {
            return ParticipantVerticle.badInput("delta", "delta must be a whole number");
        }
        var badDelta = OrderInputRules.stockDelta("delta", number.longValue());
        if (badDelta.isPresent()) {
            return ParticipantVerticle.badInput("delta", badDelta.get().message());
        }
        int delta = number.intValue();
        // Update first: a CHECK on the row an upsert proposes would refuse a negative delta even for an existing SKU.
        return pool.withTransaction(tx -> tx.preparedQuery("""
                    UPDATE inventory_stock SET available = available + $2, updated_at = now() WHERE sku = $1
                    RETURNING sku, available, reserved""")
                .execute(Tuple.of(sku, delta))
                .compose(updated -> {
                    if (updated.size() == 1) {
                        return Future.succeededFuture(toJson(updated.iterator().next()));
                    }
                    if (delta < 0) {
                        return Future.failedFuture(negative(sku, delta));
                    }
                    return tx.preparedQuery("""
                            INSERT INTO inventory_stock (sku, available, reserved) VALUES ($1, $2, 0)
                            ON CONFLICT (sku) DO UPDATE SET available = inventory_stock.available + EXCLUDED.available, updated_at = now()
                            RETURNING sku, available, reserved""")
                        .execute(Tuple.of(sku, delta))
                        .map(rows -> toJson(rows.iterator().next()));
                }))
            .recover(e -> Future.failedFuture(e instanceof PgException pg && "23514".equals(pg.getSqlState()) ? negative(sku, delta) : e));
    }

    private static CommandFailure negative(String sku, int delta) {
        return new CommandFailure(ErrorCode.BAD_USER_INPUT, "removing " + Math.abs(delta) + " of " + sku
            + " would make its available stock negative", "delta");
    }

    private static JsonObject toJson(Row row) {
        return new JsonObject().put("sku", row.getString("sku")).put("available", row.getInteger("available"))
            .put("reserved", row.getInteger("reserved"));
    }
}
