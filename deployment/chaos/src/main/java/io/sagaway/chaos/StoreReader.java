package io.sagaway.chaos;

import io.sagaway.bench.Bench;
import io.sagaway.bench.GraphQLClient;
import io.sagaway.infra.InfraClients;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads what the run left in the stores: the event store, sagas, the participants' rows, accounts,
 * stock and dead letters from PostgreSQL (the run's own schema, so everything in it is the run's),
 * and the read model through the public API, as an operator. Also waits for the platform to settle.
 */
final class StoreReader implements AutoCloseable {

    private static final int READ_BATCH = 50;

    private final Pool pool;
    private final GraphQLClient api;
    private final String operator;

    StoreReader(Vertx vertx, String postgresUrl, String schema, GraphQLClient api, String operator) {
        this.pool = InfraClients.postgres(vertx, postgresUrl, schema, 2);
        this.api = api;
        this.operator = operator;
    }

    /** What waiting for the platform to settle found, each time it looked. */
    record Settling(int orders, int terminalSagas, int unpublished, int readModelBehind) {
        boolean settled() {
            return orders == terminalSagas && unpublished == 0 && readModelBehind == 0;
        }

        @Override
        public String toString() {
            return orders + " orders, " + terminalSagas + " sagas finished, " + unpublished + " outbox rows unpublished, "
                + readModelBehind + " orders behind in the read model";
        }
    }

    /**
     * Until every stored order's saga is finished, the outbox is published and the read model has
     * every order at its last version, or {@code timeout}; returns the last look.
     */
    Settling awaitSettled(Duration timeout, Consumer<String> say) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Settling last = null;
        long lastSaid = 0;
        while (true) {
            try {
                last = settling();
                if (last.settled() || System.nanoTime() > deadline) {
                    return last;
                }
                if (System.nanoTime() - lastSaid > 10_000_000_000L) {
                    say.accept("settling: " + last);
                    lastSaid = System.nanoTime();
                }
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                say.accept("settling: cannot look yet: " + e.getMessage());
            }
            Bench.pause(Duration.ofSeconds(2));
        }
    }

    private Settling settling() {
        Row counts = ChaosLoad.await(pool.query("""
            SELECT (SELECT count(*) FROM events WHERE event_type = 'OrderPlaced') AS orders,
                   (SELECT count(*) FROM sagas WHERE status IN ('COMPLETED', 'FAILED')) AS finished,
                   (SELECT count(*) FROM outbox WHERE published_at IS NULL) AS unpublished""").execute()).iterator().next();
        int orders = counts.getLong("orders").intValue();
        int finished = counts.getLong("finished").intValue();
        int unpublished = counts.getLong("unpublished").intValue();
        int behind = orders;
        if (orders == finished && unpublished == 0) {
            Map<String, Integer> versions = lastVersions();
            Map<String, Invariants.ReadOrder> read = readModel(versions.keySet());
            behind = (int) versions.entrySet().stream()
                .filter(e -> read.get(e.getKey()) == null || read.get(e.getKey()).version() != e.getValue()).count();
        }
        return new Settling(orders, finished, unpublished, behind);
    }

    private Map<String, Integer> lastVersions() {
        Map<String, Integer> versions = new HashMap<>();
        ChaosLoad.await(pool.query("SELECT aggregate_id, max(version) AS v FROM events WHERE aggregate_type = 'Order' GROUP BY aggregate_id")
            .execute()).forEach(row -> versions.put(row.getString("aggregate_id"), row.getInteger("v")));
        return versions;
    }

    /** Everything the invariants need, besides what the clients recorded. */
    Invariants.Observed observe(List<Invariants.SentOrder> sent, Map<String, BigDecimal> funded, Map<String, Integer> stocked,
                                Map<String, List<ChaosLoad.Seen>> seen, List<ChaosLoad.Refusal> refusals, List<Fault> faults,
                                List<ChaosLoad.Subscription> subscriptions) {
        Map<String, List<Invariants.StoredEvent>> events = new LinkedHashMap<>();
        for (Row row : rows("SELECT aggregate_id, version, event_type, data FROM events WHERE aggregate_type = 'Order' "
            + "ORDER BY aggregate_id, version")) {
            JsonObject data = row.getJsonObject("data");
            Map<String, Integer> items = new LinkedHashMap<>();
            JsonArray lines = data.getJsonArray("items");
            if (lines != null) {
                lines.forEach(line -> items.merge(((JsonObject) line).getString("sku"), ((JsonObject) line).getInteger("quantity"), Integer::sum));
            }
            String total = data.getValue("totalAmount") == null ? null : data.getValue("totalAmount").toString();
            events.computeIfAbsent(row.getString("aggregate_id"), id -> new ArrayList<>()).add(new Invariants.StoredEvent(
                row.getInteger("version"), row.getString("event_type"), data.getString("customerId"),
                total == null ? null : new BigDecimal(total), items, data.getString("reason")));
        }
        Map<String, String> sagas = new HashMap<>();
        rows("SELECT order_id, status FROM sagas").forEach(r -> sagas.put(r.getString("order_id"), r.getString("status")));
        Map<String, String> idempotency = new HashMap<>();
        rows("SELECT customer_id, idempotency_key, order_id FROM order_idempotency_keys")
            .forEach(r -> idempotency.put(r.getString("customer_id") + "/" + r.getString("idempotency_key"), r.getString("order_id")));
        Map<String, Invariants.Payment> payments = new HashMap<>();
        rows("SELECT order_id, customer_id, amount::text AS amount, status FROM payments").forEach(r -> payments.put(r.getString("order_id"),
            new Invariants.Payment(r.getString("customer_id"), new BigDecimal(r.getString("amount")), r.getString("status"))));
        Map<String, Invariants.Reservation> reservations = new HashMap<>();
        rows("SELECT order_id, status, items::text AS items FROM inventory_reservations").forEach(r -> {
            Map<String, Integer> items = new LinkedHashMap<>();
            Object parsed = io.vertx.core.json.Json.decodeValue(r.getString("items"));
            if (parsed instanceof JsonArray lines) {
                lines.forEach(line -> items.merge(((JsonObject) line).getString("sku"), ((JsonObject) line).getInteger("quantity"), Integer::sum));
            } else if (parsed instanceof JsonObject bySku) {
                bySku.forEach(e -> items.merge(e.getKey(), ((Number) e.getValue()).intValue(), Integer::sum));
            }
            reservations.put(r.getString("order_id"), new Invariants.Reservation(r.getString("status"), items));
        });
        Map<String, String> shipments = new HashMap<>();
        rows("SELECT order_id, status FROM shipments").forEach(r -> shipments.put(r.getString("order_id"), r.getString("status")));
        Map<String, BigDecimal> balances = new HashMap<>();
        rows("SELECT customer_id, balance::text AS balance FROM payment_accounts")
            .forEach(r -> balances.put(r.getString("customer_id"), new BigDecimal(r.getString("balance"))));
        Map<String, Invariants.StockRow> stock = new HashMap<>();
        rows("SELECT sku, available, reserved FROM inventory_stock")
            .forEach(r -> stock.put(r.getString("sku"), new Invariants.StockRow(r.getInteger("available"), r.getInteger("reserved"))));
        List<Invariants.DeadLetter> deadLetters = new ArrayList<>();
        rows("SELECT id::text AS id, consumer, topic, error FROM dead_letters").forEach(r -> deadLetters.add(
            new Invariants.DeadLetter(r.getString("id"), r.getString("consumer"), r.getString("topic"), r.getString("error"))));
        return new Invariants.Observed(sent, events, sagas, idempotency, payments, reservations, shipments, funded, balances, stocked,
            stock, deadLetters, readModel(events.keySet()), seen, refusals, faults, subscriptions);
    }

    /** The read model's orders, asked through the API as an operator, {@value #READ_BATCH} to a request. */
    Map<String, Invariants.ReadOrder> readModel(java.util.Collection<String> orderIds) {
        Map<String, Invariants.ReadOrder> read = new HashMap<>();
        List<String> ids = List.copyOf(orderIds);
        for (int from = 0; from < ids.size(); from += READ_BATCH) {
            List<String> batch = ids.subList(from, Math.min(ids.size(), from + READ_BATCH));
            StringBuilder query = new StringBuilder("{");
            for (int i = 0; i < batch.size(); i++) {
                query.append(" o").append(i).append(": order(id: \"").append(batch.get(i)).append("\") { status version saga { status } }");
            }
            JsonObject data = ChaosLoad.await(api.data(operator, query.append(" }").toString()));
            for (int i = 0; i < batch.size(); i++) {
                JsonObject order = data.getJsonObject("o" + i);
                if (order != null) {
                    JsonObject saga = order.getJsonObject("saga");
                    read.put(batch.get(i), new Invariants.ReadOrder(order.getString("status"), order.getInteger("version"),
                        saga == null ? null : saga.getString("status")));
                }
            }
        }
        return read;
    }

    private RowSet<Row> rows(String sql) {
        return ChaosLoad.await(pool.query(sql).execute());
    }

    @Override
    public void close() {
        ChaosLoad.await(pool.close());
    }
}
