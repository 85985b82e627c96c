package io.sagaway.gateway;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The platform killed with kill -9 twice under load, and started again each time. Before: step
 * deadlines that passed while it was down all fired at restart, retries ran out within seconds
 * while the participants' consumer group was still waiting out the dead member's session, and
 * about a third of the orders failed with TIMEOUT for nothing.
 */
class CrashRecoveryIT {

    private static final int ORDERS = 150;
    private static final int CLIENTS = 8;

    @Test
    void everyOrderThatWouldHaveShippedShipsAcrossTwoKills() throws Exception {
        try (PlatformProcess platform = PlatformProcess.start("it_crash", Map.of("SAGAWAY_JWT_SECRET", "crash-test-" + UUID.randomUUID()))) {
            String admin = platform.token("admin");
            String sku = "CR-" + UUID.randomUUID().toString().substring(0, 8);
            String customer = "cr-" + UUID.randomUUID().toString().substring(0, 8);
            assertNoErrors(platform.graphql(admin, "mutation { adjustStock(sku: \"" + sku + "\", delta: 1000) { available } "
                + "creditAccount(customerId: \"" + customer + "\", amount: \"100000.00\") { balance } }"));

            Map<Integer, String> orderIds = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                running.add(clients.submit(() -> {
                    for (int i = next.getAndIncrement(); i < ORDERS; i = next.getAndIncrement()) {
                        orderIds.put(i, placeUntilAccepted(platform, admin, customer, sku, i));
                    }
                    return null;
                }));
            }
            awaitPlaced(orderIds, ORDERS / 3);
            platform.kill();
            platform.restart();
            awaitPlaced(orderIds, 2 * ORDERS / 3);
            platform.kill();
            platform.restart();
            for (Future<?> client : running) {
                client.get(5, TimeUnit.MINUTES);
            }
            clients.shutdown();

            int shipped = 0;
            for (int i = 0; i < ORDERS; i++) {
                JsonObject order = awaitFinished(platform, admin, orderIds.get(i));
                if (servedCountry(i)) {
                    assertThat(order.getString("status")).as("order %d (%s): %s", i, orderIds.get(i), order.encode()).isEqualTo("SHIPPED");
                    shipped++;
                } else {
                    assertThat(order.getString("status")).as("order %d: %s", i, order.encode()).isEqualTo("FAILED");
                    assertThat(order.getString("failureReason")).startsWith("ADDRESS_REJECTED");
                }
            }
            // Each order was accepted once, and money and stock moved exactly once for each that shipped.
            JsonObject after = platform.graphql(admin, "{ stock(sku: \"" + sku + "\") { available reserved } account(customerId: \""
                + customer + "\") { balance } orders(filter: {customerId: \"" + customer + "\"}) { totalCount } }").getJsonObject("data");
            assertThat(after.getJsonObject("stock").getInteger("available") + after.getJsonObject("stock").getInteger("reserved"))
                .isEqualTo(1000);
            assertThat(after.getJsonObject("stock").getInteger("reserved")).isEqualTo(shipped);
            assertThat(new BigDecimal(after.getJsonObject("account").getString("balance")))
                .isEqualByComparingTo(new BigDecimal("100000.00").subtract(BigDecimal.valueOf(shipped)));
        }
    }

    /** One in ten orders goes to a country shipping does not serve: it must fail, compensated, whatever happens. */
    private static boolean servedCountry(int i) {
        return i % 10 != 7;
    }

    /** Places order {@code i} with its idempotency key, again and again while the platform is down: never twice. */
    private static String placeUntilAccepted(PlatformProcess platform, String token, String customer, String sku, int i)
        throws InterruptedException {
        String country = servedCountry(i) ? "KR" : "ZZ";
        String mutation = "mutation { placeOrder(input: {customerId: \"" + customer + "\", idempotencyKey: \"crash-" + i + "\", items: [{sku: \""
            + sku + "\", quantity: 1, unitPrice: \"1.00\"}], shippingAddress: {line1: \"1 Sejong-daero\", city: \"Seoul\", "
            + "postalCode: \"04524\", country: \"" + country + "\"}}) { orderId } }";
        while (true) {
            try {
                JsonObject answer = platform.graphql(token, mutation);
                if (answer.getJsonArray("errors") == null) {
                    return answer.getJsonObject("data").getJsonObject("placeOrder").getString("orderId");
                }
            } catch (Exception down) {
                // the platform is down or restarting: the same key again, later
            }
            Thread.sleep(200);
        }
    }

    private static void awaitPlaced(Map<Integer, String> placed, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 120_000;
        while (placed.size() < count) {
            assertThat(System.currentTimeMillis()).as("%d orders placed", count).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static JsonObject awaitFinished(PlatformProcess platform, String token, String orderId) throws Exception {
        long deadline = System.currentTimeMillis() + 300_000;
        JsonObject order = null;
        while (System.currentTimeMillis() < deadline) {
            order = platform.graphql(token, "{ order(id: \"" + orderId + "\", consistency: STRONG) { status failureReason } }")
                .getJsonObject("data").getJsonObject("order");
            if (order != null && List.of("SHIPPED", "FAILED", "CANCELLED").contains(order.getString("status"))) {
                return order;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("order " + orderId + " did not finish: " + order);
    }

    private static void assertNoErrors(JsonObject answer) {
        assertThat(answer.getJsonArray("errors")).as(answer.encode()).isNull();
    }
}
