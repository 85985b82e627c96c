package io.sagaway.readmodel;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.eventstore.EventStore;
import io.sagaway.infra.InfraClients;
import io.sagaway.messaging.DeadLetters;
import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.JsonCodec;
import io.sagaway.messaging.TopicSetup;
import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.OrderEvent;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.order.store.OrderRepository;
import io.sagaway.readmodel.ReadModelQueries.OrderQuery;
import io.sagaway.readmodel.ReadModelQueries.OrderSort;
import io.sagaway.testing.Await;
import io.sagaway.testing.SagaFixture;
import io.sagaway.testing.TestSchema;
import io.sagaway.testing.TestServices;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Projectors and queries against a real Elasticsearch, in indices of the test's own. */
class ReadModelIT {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private static Vertx vertx;
    private static Context context;
    private static TestSchema schema;
    private static InfraClients.Elasticsearch elasticsearch;
    private static ReadModelIndices indices;
    private static String ordersIndex;
    private static OrderProjector orders;
    private static SagaProjector sagas;
    private static ReadModelQueries queries;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        schema = TestSchema.create(vertx, "it_read");
        elasticsearch = InfraClients.elasticsearch(TestServices.endpoints().elasticsearchUrl());
        indices = new ReadModelIndices(elasticsearch.client(), context, "it-" + schema.name().replace('_', '-') + "-");
        ordersIndex = Await.result(indices.ensure(ReadModelIndices.Kind.ORDERS));
        String sagasIndex = Await.result(indices.ensure(ReadModelIndices.Kind.SAGAS));
        orders = orderProjector();
        sagas = new SagaProjector(elasticsearch.client(), context, () -> Future.succeededFuture(List.of(sagasIndex)), vertx.eventBus(),
            schema.pool());
        queries = new ReadModelQueries(elasticsearch.client(), context, indices);
    }

    @AfterAll
    static void stop() throws Exception {
        for (ReadModelIndices.Kind kind : ReadModelIndices.Kind.values()) {
            for (String index : Await.result(indices.indicesOf(kind))) {
                Await.result(indices.delete(index));
            }
        }
        elasticsearch.close();
        schema.close();
        Await.result(vertx.close());
    }

    /** A projector of the orders index with nothing remembered yet. */
    private static OrderProjector orderProjector() {
        return new OrderProjector(elasticsearch.client(), context,
            new OrderRepository(schema.pool(), new EventStore(), "unused", 50), () -> Future.succeededFuture(List.of(ordersIndex)), vertx.eventBus());
    }

    private static long documentReads() throws Exception {
        return elasticsearch.client().indices().stats(s -> s.index(ordersIndex).metric(co.elastic.clients.elasticsearch._types.CommonStatsFlag.Get)).get()
            .indices().get(ordersIndex).total().get().total();
    }

    @Test
    void anOrderInFlightAdvancesFromTheStateItsProjectorLastWroteWithoutReadingItBack() throws Exception {
        String id = "o-" + UUID.randomUUID();
        long readsBefore = documentReads();

        List<Envelope> events = lifecycle(id);
        Await.result(orders.project(List.of(events.get(0))));
        Await.result(orders.project(List.of(events.get(1))));
        Await.result(orders.project(List.of(events.get(2))));

        assertThat(documentReads()).isEqualTo(readsBefore);
        JsonObject doc = Await.result(queries.order(id)).orElseThrow();
        assertThat(doc.getInteger("version")).isEqualTo(3);
        assertThat(doc.getString("status")).isEqualTo("RESERVED");
        assertThat(doc.getString("paymentId")).isEqualTo("pay-1");
    }

    @Test
    void aRememberedStateThatTheIndexHasPassedIsForgottenAndTheDocumentReadAgain() {
        String id = "o-" + UUID.randomUUID();
        List<Envelope> events = lifecycle(id);
        Envelope v1 = events.get(0);
        Envelope v2 = events.get(1);
        Envelope v3 = events.get(2);
        Envelope v4 = events.get(3);
        Await.result(orders.project(List.of(v1)));
        // Another writer (a rebuild's replay, or another instance before a rebalance) takes the document to v3.
        Await.result(orderProjector().project(List.of(v2, v3)));

        Await.result(orders.project(List.of(v2)));
        assertThat(Await.result(queries.order(id)).orElseThrow().getInteger("version")).isEqualTo(3);

        Await.result(orders.project(List.of(v4)));
        JsonObject doc = Await.result(queries.order(id)).orElseThrow();
        assertThat(doc.getInteger("version")).isEqualTo(4);
        assertThat(doc.getString("status")).isEqualTo("SHIPPED");
        assertThat(doc.getString("reservationId")).isEqualTo("res-1");
        assertThat(doc.getString("trackingNumber")).isEqualTo("TRACK-1");
    }

    @Test
    void eventsReplayedIntoAnIndexMadeAgainUnderTheSameNameAreWrittenThoughTheProjectorRemembersThem() {
        String index = "it-" + schema.name().replace('_', '-') + "-replayed";
        OrderProjector projector = new OrderProjector(elasticsearch.client(), context,
            new OrderRepository(schema.pool(), new EventStore(), "unused", 50), () -> Future.succeededFuture(List.of(index)), vertx.eventBus());
        String id = "o-" + UUID.randomUUID();
        List<Envelope> events = lifecycle(id).subList(0, 2);
        Await.result(indices.create(ReadModelIndices.Kind.ORDERS, index, false));
        try {
            Await.result(projector.project(events));
            // A failed rebuild drops its index; the next one makes it again under the same name and replays from the start.
            Await.result(indices.delete(index));
            Await.result(indices.create(ReadModelIndices.Kind.ORDERS, index, false));

            Await.result(projector.project(events));

            JsonObject doc = Await.result(Bulk.get(elasticsearch.client(), context, index, List.of(id))).get(id);
            assertThat(doc).as("the replayed order's document").isNotNull();
            assertThat(doc.getInteger("version")).isEqualTo(2);
            assertThat(doc.getString("status")).isEqualTo("PAID");
        } finally {
            Await.result(indices.delete(index));
        }
    }

    /** An order's events, versions 1 to 4 a second apart: placed (2 x 10.00), paid (pay-1), reserved (res-1), shipped (TRACK-1). */
    private static List<Envelope> lifecycle(String id) {
        return List.of(event(id, 1, T0, placed(id, "alice", "SKU-1", 2, "10.00")),
            event(id, 2, T0.plusSeconds(1), new OrderEvent.PaymentReceived("pay-1", new BigDecimal("20.00"))),
            event(id, 3, T0.plusSeconds(2), new OrderEvent.StockReserved("res-1")),
            event(id, 4, T0.plusSeconds(3), new OrderEvent.OrderShipped("ship-1", "TRACK-1")));
    }

    private static Envelope event(String orderId, int version, Instant at, OrderEvent event) {
        return new Envelope(UUID.randomUUID().toString(), event.type(), "Order", orderId, version, orderId, orderId, at,
            JsonCodec.toJson(event));
    }

    private static OrderEvent.OrderPlaced placed(String orderId, String customer, String sku, int quantity, String price) {
        List<OrderItem> items = List.of(new OrderItem(sku, quantity, new BigDecimal(price)));
        return new OrderEvent.OrderPlaced(orderId, customer, items, new Address("1 Main", "Seoul", "04524", "KR"), "KRW",
            new BigDecimal(price).multiply(BigDecimal.valueOf(quantity)));
    }

    /**
     * Before: an amount whose minor units overflow a long, or a city too long for a keyword term,
     * failed the whole batch, and the consumer rewound and retried it for ever, so no order behind
     * it reached the read model.
     */
    @Test
    void anOrderThatCanNeverBeProjectedIsSetAsideAsADeadLetterAndThePartitionMovesOn() throws Exception {
        String topic = TestServices.uniqueName("it-projection-");
        String bootstrap = TestServices.endpoints().kafkaBootstrapServers();
        Await.result(TopicSetup.ensure(vertx, bootstrap, List.of(topic), 1, (short) 1));
        String overflowing = "o-" + UUID.randomUUID();
        String immense = "o-" + UUID.randomUUID();
        String good = "o-" + UUID.randomUUID();
        List<Envelope> events = List.of(
            event(overflowing, 1, T0, placed(overflowing, "mallory", "SKU-1", 1, "100000000000000000")),
            event(immense, 1, T0, new OrderEvent.OrderPlaced(immense, "mallory", List.of(new OrderItem("SKU-1", 1, BigDecimal.ONE)),
                new Address("1 Main", "c".repeat(33_000), "04524", "KR"), "KRW", BigDecimal.ONE)),
            event(good, 1, T0, placed(good, "gina", "SKU-1", 1, "5.00")));
        try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", bootstrap), new StringSerializer(),
            new StringSerializer())) {
            for (Envelope e : events) {
                producer.send(new ProducerRecord<>(topic, e.aggregateId(), e.toJson().encode())).get();
            }
        }
        String group = TestServices.uniqueName("it-order-projector-");
        ProjectionConsumer consumer = new ProjectionConsumer(vertx, group, List.of(topic), bootstrap, orderProjector()::project,
            new DeadLetters(schema.pool()));
        Await.result(consumer.start());
        try {
            SagaFixture.awaitValue(() -> Await.result(queries.order(good)).orElse(null), Duration.ofSeconds(30), "the good order projected");
            SagaFixture.awaitValue(() -> schema.count("SELECT count(*) FROM dead_letters WHERE consumer = '" + group + "'") == 2 ? true : null,
                Duration.ofSeconds(30), "both bad orders set aside");
            var letters = Await.result(schema.pool().preparedQuery("SELECT record_key, error FROM dead_letters WHERE consumer = $1")
                .execute(Tuple.of(group)));
            Map<String, String> errors = new HashMap<>();
            letters.forEach(row -> errors.put(row.getString("record_key"), row.getString("error")));
            assertThat(errors.get(overflowing)).startsWith("projector: ").contains("ArithmeticException");
            assertThat(errors.get(immense)).startsWith("projector: ").contains("Elasticsearch refused");
            assertThat(Await.result(queries.order(overflowing))).isEmpty();
        } finally {
            Await.result(consumer.stop());
        }
    }

    @Test
    void duplicateAndOutOfOrderEventsNeverTakeAnOrderDocumentBack() {
        String id = "o-" + UUID.randomUUID();
        List<Envelope> events = lifecycle(id);
        Envelope v1 = events.get(0);
        Envelope v2 = events.get(1);
        Envelope v3 = events.get(2);

        Await.result(orders.project(List.of(v1, v2, v3)));
        Await.result(orders.project(List.of(v2, v1)));
        Await.result(orders.project(List.of(v3, v1, v2, v3)));
        JsonObject doc = Await.result(queries.order(id)).orElseThrow();

        assertThat(doc.getInteger("version")).isEqualTo(3);
        assertThat(doc.getString("status")).isEqualTo("RESERVED");
        assertThat(doc.getString("totalAmount")).isEqualTo("20.00");
        assertThat(doc.getLong("totalMinor")).isEqualTo(2000L);
    }

    @Test
    void anOlderSagaVersionNeverReplacesANewerOne() {
        String sagaId = UUID.randomUUID().toString();
        JsonObject v5 = sagaPayload(sagaId, "COMPLETED", 5);
        JsonObject v3 = sagaPayload(sagaId, "RUNNING", 3);

        Await.result(sagas.project(List.of(sagaEvent(v5))));
        Await.result(sagas.project(List.of(sagaEvent(v3), sagaEvent(v3))));

        JsonObject doc = Await.result(queries.saga(sagaId)).orElseThrow();
        assertThat(doc.getString("status")).isEqualTo("COMPLETED");
        assertThat(doc.getInteger("version")).isEqualTo(5);
    }

    private static JsonObject sagaPayload(String sagaId, String status, int version) {
        return new JsonObject().put("sagaId", sagaId).put("orderId", "o-" + sagaId).put("status", status).put("version", version)
            .put("order", new JsonObject().put("customerId", "alice")).put("steps", new JsonArray())
            .put("startedAt", T0.toString()).put("updatedAt", T0.plusSeconds(version).toString())
            .put("timelineBasedOn", version - 1).put("timelineFrom", 0)
            .put("timelineTail", new JsonArray().add(new JsonObject().put("type", "STARTED")));
    }

    /** SagaUpdated carries only the tail of the timeline a change touched: the document still holds it whole. */
    @Test
    void aSagaDocumentHoldsItsWholeTimelineBuiltFromTailsAndAGapNeverCorruptsIt() {
        String sagaId = "s-" + UUID.randomUUID();
        JsonObject v1 = sagaPayload(sagaId, "RUNNING", 1).put("timelineTail", entries("STARTED", "STEP_REQUESTED"));
        JsonObject v2 = sagaPayload(sagaId, "RUNNING", 2).put("timelineFrom", 1).put("timelineTail", entries("STEP_REQUESTED", "STEP_SUCCEEDED"));
        Await.result(sagas.project(List.of(sagaEvent(v1), sagaEvent(v2))));
        assertThat(timelineTypes(sagaId)).containsExactly("STARTED", "STEP_REQUESTED", "STEP_SUCCEEDED");

        // A projector that remembers nothing reads the document back and splices onto it.
        SagaProjector fresh = new SagaProjector(elasticsearch.client(), context, () -> indices.ensure(ReadModelIndices.Kind.SAGAS)
            .map(List::of), vertx.eventBus(), schema.pool());
        JsonObject v3 = sagaPayload(sagaId, "COMPLETED", 3).put("timelineFrom", 3).put("timelineTail", entries("COMPLETED"));
        Await.result(fresh.project(List.of(sagaEvent(v3))));
        assertThat(timelineTypes(sagaId)).containsExactly("STARTED", "STEP_REQUESTED", "STEP_SUCCEEDED", "COMPLETED");

        // v5 builds on a v4 never seen: it cannot be spliced, and the write side (here without the saga) is asked instead.
        JsonObject v5 = sagaPayload(sagaId, "COMPLETED", 5).put("timelineFrom", 4).put("timelineTail", entries("WRONG"));
        Await.result(fresh.project(List.of(sagaEvent(v5))));
        assertThat(Await.result(queries.saga(sagaId)).orElseThrow().getInteger("version")).isEqualTo(3);
        assertThat(timelineTypes(sagaId)).doesNotContain("WRONG");
    }

    private static JsonArray entries(String... types) {
        JsonArray entries = new JsonArray();
        for (String type : types) {
            entries.add(new JsonObject().put("type", type));
        }
        return entries;
    }

    private static List<String> timelineTypes(String sagaId) {
        return SagaDocuments.timelineOf(Await.result(queries.saga(sagaId)).orElseThrow()).stream()
            .map(e -> ((JsonObject) e).getString("type")).toList();
    }

    private static Envelope sagaEvent(JsonObject payload) {
        return new Envelope(UUID.randomUUID().toString(), "SagaUpdated", "Saga", payload.getString("orderId"),
            payload.getInteger("version"), null, null, Instant.now(), payload);
    }

    @Test
    void filtersSortsAndPaginationAreCorrectOverAThousandOrders() {
        String tag = UUID.randomUUID().toString().substring(0, 6);
        Random random = new Random(7);
        List<JsonObject> expected = new ArrayList<>();
        List<Envelope> batch = new ArrayList<>();
        String[] customers = {"c1-" + tag, "c2-" + tag, "c3-" + tag};
        for (int i = 0; i < 1000; i++) {
            String id = String.format("o-%s-%04d", tag, i);
            String customer = customers[i % 3];
            String sku = "SKU-" + tag + "-" + (i % 7);
            int quantity = 1 + random.nextInt(5);
            String price = (1 + random.nextInt(9000)) + "." + String.format("%02d", random.nextInt(100));
            Instant at = T0.plusSeconds(i * 60L);
            batch.add(event(id, 1, at, placed(id, customer, sku, quantity, price)));
            String status = "PENDING";
            if (i % 4 == 1) {
                batch.add(event(id, 2, at.plusSeconds(1), new OrderEvent.OrderFailed("INSUFFICIENT_FUNDS: test")));
                status = "FAILED";
            }
            expected.add(new JsonObject().put("id", id).put("customer", customer).put("sku", sku).put("status", status).put("at", at.toString())
                .put("total", new BigDecimal(price).multiply(BigDecimal.valueOf(quantity)).toPlainString()));
            if (batch.size() >= 200) {
                Await.result(orders.project(batch));
                batch.clear();
            }
        }
        Await.result(orders.project(batch));
        Await.result(indices.refresh(ReadModelIndices.Kind.ORDERS));

        // by customer, newest first
        check(new OrderQuery(customers[1], null, null, null, null, null, null, OrderSort.CREATED_DESC, 37, null),
            expected, e -> e.getString("customer").equals(customers[1]), Comparator.comparing((JsonObject e) -> e.getString("at")).reversed());
        // statuses + sku, oldest first
        check(new OrderQuery(null, List.of("FAILED"), "SKU-" + tag + "-3", null, null, null, null, OrderSort.CREATED_ASC, 5, null),
            expected, e -> e.getString("status").equals("FAILED") && e.getString("sku").endsWith("-3") && e.getString("customer").endsWith(tag),
            Comparator.comparing(e -> e.getString("at")));
        // created range and total range, by total descending
        Instant from = T0.plusSeconds(100 * 60L);
        Instant to = T0.plusSeconds(700 * 60L);
        check(new OrderQuery(null, List.of("PENDING", "FAILED"), null, from, to, new BigDecimal("1000"), new BigDecimal("20000.5"),
                OrderSort.TOTAL_DESC, 50, null), expected,
            e -> e.getString("customer").endsWith(tag) && !Instant.parse(e.getString("at")).isBefore(from) && !Instant.parse(e.getString("at")).isAfter(to)
                && new BigDecimal(e.getString("total")).compareTo(new BigDecimal("1000")) >= 0
                && new BigDecimal(e.getString("total")).compareTo(new BigDecimal("20000.5")) <= 0,
            Comparator.comparing((JsonObject e) -> new BigDecimal(e.getString("total"))).reversed().thenComparing(e -> e.getString("id")));
        // every order of the run, by total ascending, in pages of 100
        check(new OrderQuery(null, null, null, null, null, null, null, OrderSort.TOTAL_ASC, 100, null), expected,
            e -> true, Comparator.comparing((JsonObject e) -> new BigDecimal(e.getString("total"))).thenComparing(e -> e.getString("id")),
            tag);
    }

    private static void check(OrderQuery query, List<JsonObject> all, Predicate<JsonObject> filter, Comparator<JsonObject> order) {
        check(query, all, filter, order, null);
    }

    /** Pages through the query and compares ids, order and total with what the filter and order say. */
    private static void check(OrderQuery query, List<JsonObject> all, Predicate<JsonObject> filter, Comparator<JsonObject> order,
                              String onlyTag) {
        List<String> want = all.stream().filter(filter).sorted(order.thenComparing(e -> e.getString("id"))).map(e -> e.getString("id")).toList();
        List<String> got = new ArrayList<>();
        String after = null;
        long total = -1;
        Set<String> cursors = new HashSet<>();
        while (true) {
            var page = Await.result(queries.orders(new OrderQuery(query.customerId(), query.statuses(), query.sku(), query.createdAfter(),
                query.createdBefore(), query.minTotal(), query.maxTotal(), query.sort(), query.first(), after)));
            page.items().forEach(d -> {
                if (onlyTag == null || d.getString("id").contains(onlyTag)) {
                    got.add(d.getString("id"));
                }
            });
            if (onlyTag == null) {
                total = page.totalCount();
            }
            assertThat(cursors.add(String.valueOf(page.endCursor()))).isTrue();
            if (!page.hasNextPage()) {
                break;
            }
            after = page.endCursor();
        }
        assertThat(got).containsExactlyElementsOf(want);
        if (onlyTag == null) {
            assertThat(total).isEqualTo(want.size());
        }
    }

    @Test
    void aCursorThatIsNotOneIsBadInput() {
        var failure = Await.failure(queries.orders(new OrderQuery(null, null, null, null, null, null, null, OrderSort.CREATED_DESC, 10, "%%%")));
        assertThat(((CommandFailure) failure).code()).isEqualTo(ErrorCode.BAD_USER_INPUT);
    }

    @Test
    void statsCountOrdersAndSagasByStatus() {
        String id = "o-" + UUID.randomUUID();
        Await.result(orders.project(List.of(event(id, 1, T0, placed(id, "zed", "SKU-Z", 1, "1.00")))));
        Await.result(indices.refresh(ReadModelIndices.Kind.ORDERS));
        var stats = Await.result(queries.stats());
        assertThat(stats.ordersByStatus().get("PENDING")).isPositive();
    }
}
