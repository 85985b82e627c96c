package io.sagaway.readmodel;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.infra.InfraClients;
import io.sagaway.messaging.Addresses;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.saga.domain.SagaPolicy;
import io.sagaway.testing.Await;
import io.sagaway.testing.SagaFixture;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole read side against the whole write side: live projection, waiting for it, and a zero-downtime rebuild. */
class ReadModelRebuildIT {

    private static SagaFixture platform;
    private static InfraClients.Elasticsearch elasticsearch;
    private static ReadModelQueries queries;
    private static ReadModelIndices indices;

    @BeforeAll
    static void start() {
        EnumSet<SagaFixture.Part> parts = EnumSet.copyOf(SagaFixture.WRITE_SIDE);
        parts.add(SagaFixture.Part.PROJECTOR);
        parts.add(SagaFixture.Part.READ_MODEL);
        platform = SagaFixture.start(SagaPolicy.DEFAULT, parts, null);
        elasticsearch = InfraClients.elasticsearch(platform.elasticsearchUrl());
        var context = platform.vertx().getOrCreateContext();
        indices = new ReadModelIndices(elasticsearch.client(), context, platform.indexPrefix());
        queries = new ReadModelQueries(elasticsearch.client(), context, indices);
    }

    @AfterAll
    static void stop() throws Exception {
        elasticsearch.close();
        platform.close();
    }

    /** Waits until the read model holds the order at the event store's latest version and the saga at its final status. */
    private static JsonObject awaitProjected(String orderId) {
        int version = platform.orderRow(orderId).getInteger("version");
        return SagaFixture.awaitValue(() -> Await.result(queries.order(orderId))
            .filter(d -> d.getInteger("version") == platform.orderRow(orderId).getInteger("version") && d.getInteger("version") >= version)
            .orElse(null), Duration.ofSeconds(30), "order " + orderId + " projected");
    }

    @Test
    void ordersAndSagasAreProjectedLiveWithTheirFinalStatesAndLagIsMeasured() {
        ProjectionMetrics lag = new ProjectionMetrics();
        ProjectionWaiter follower = new ProjectionWaiter(platform.vertx(), queries, lag);
        Await.result(follower.start());
        String orderId = platform.placeOrder("alice", SagaFixture.SEOUL, new OrderItem("SKU-1", 1, new BigDecimal("10")));
        platform.awaitFinished(orderId);

        JsonObject order = awaitProjected(orderId);
        assertThat(order.getString("status")).isEqualTo("SHIPPED");
        assertThat(order.getString("trackingNumber")).startsWith("KR");
        JsonObject saga = SagaFixture.awaitValue(() -> Await.result(queries.sagaForOrder(orderId))
            .filter(s -> "COMPLETED".equals(s.getString("status"))).orElse(null), Duration.ofSeconds(30), "saga projected");
        assertThat(saga.getJsonObject("timeline").getJsonArray("entries")).isNotEmpty();
        // The lag comes from the projectors' notifications on the event bus, as a gateway in another process gets them.
        SagaFixture.awaitValue(() -> lag.count() >= 2 ? lag : null, Duration.ofSeconds(10), "projection notifications followed");
        assertThat(lag.last()).isGreaterThanOrEqualTo(0);
        Await.result(follower.stop());
    }

    @Test
    void theWriteSideCanWaitUntilTheReadModelHoldsAnOrderVersion() {
        ProjectionWaiter waiter = new ProjectionWaiter(platform.vertx(), queries, new ProjectionMetrics());
        Await.result(waiter.start());
        String orderId = platform.placeOrder("alice", SagaFixture.SEOUL, new OrderItem("SKU-3", 1, new BigDecimal("10")));

        JsonObject placed = Await.result(waiter.awaitOrder(orderId, 1, Duration.ofSeconds(20)));
        assertThat(placed.getInteger("version")).isGreaterThanOrEqualTo(1);
        platform.awaitFinished(orderId);
        int finalVersion = platform.orderRow(orderId).getInteger("version");
        JsonObject shipped = Await.result(waiter.awaitOrder(orderId, finalVersion, Duration.ofSeconds(20)));
        assertThat(shipped.getString("status")).isEqualTo("SHIPPED");

        Throwable never = Await.failure(waiter.awaitOrder(orderId, finalVersion + 5, Duration.ofMillis(600)));
        assertThat(((CommandFailure) never).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void aRebuildWhileOrdersAndQueriesRunLosesNoQueryAndEndsEqualToTheEventStore() throws Exception {
        List<String> orders = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            orders.add(platform.placeOrder("bob", SagaFixture.SEOUL, new OrderItem("SKU-2", 1, new BigDecimal("3"))));
        }
        orders.forEach(platform::awaitFinished);
        String before = Await.result(indices.indicesOf(ReadModelIndices.Kind.ORDERS)).get(0);

        AtomicBoolean querying = new AtomicBoolean(true);
        AtomicInteger answered = new AtomicInteger();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            while (querying.get()) {
                try {
                    Await.result(queries.order(orders.get(answered.get() % orders.size())));
                    Await.result(queries.orders(new ReadModelQueries.OrderQuery("bob", null, null, null, null, null, null,
                        ReadModelQueries.OrderSort.CREATED_DESC, 20, null)));
                    answered.incrementAndGet();
                } catch (Throwable t) {
                    failures.add(t);
                }
            }
        });
        reader.start();
        JsonObject started = Await.result(platform.vertx().eventBus().<JsonObject>request(Addresses.READ_MODEL_COMMANDS,
            new JsonObject().put("action", "Rebuild"))).body();
        assertThat(started.getBoolean("running")).isTrue();
        // Orders placed during the rebuild reach the new index through the live projector.
        for (int i = 0; i < 10; i++) {
            orders.add(platform.placeOrder("bob", SagaFixture.SEOUL, new OrderItem("SKU-2", 1, new BigDecimal("3"))));
        }
        JsonObject finished = SagaFixture.awaitValue(() -> {
            JsonObject status = Await.result(platform.vertx().eventBus().<JsonObject>request(Addresses.READ_MODEL_COMMANDS,
                new JsonObject().put("action", "RebuildStatus"))).body();
            return status.getBoolean("running") ? null : status;
        }, Duration.ofSeconds(60), "rebuild finished");
        orders.forEach(platform::awaitFinished);
        querying.set(false);
        reader.join();

        assertThat(failures).isEmpty();
        assertThat(answered.get()).isPositive();
        assertThat(finished.getString("failed")).isNull();
        assertThat(finished.getLong("done")).isEqualTo(finished.getLong("total")).isPositive();
        String after = Await.result(indices.indicesOf(ReadModelIndices.Kind.ORDERS)).get(0);
        assertThat(after).isNotEqualTo(before).endsWith("_v2");
        for (String orderId : orders) {
            JsonObject doc = awaitProjected(orderId);
            assertThat(doc.getString("status")).isIn("SHIPPED", "FAILED");
            assertThat(Map.of("SHIPPED", "OrderShipped", "FAILED", "OrderFailed").get(doc.getString("status")))
                .isEqualTo(platform.orderRow(orderId).getString("lastEvent"));
        }
        String sagaAlias = Await.result(indices.indicesOf(ReadModelIndices.Kind.SAGAS)).get(0);
        assertThat(sagaAlias).endsWith("_v2");
        UUID.fromString(Await.result(queries.sagaForOrder(orders.get(0))).orElseThrow().getString("id"));
    }
}
