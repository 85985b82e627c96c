package io.sagaway.order.store;

import io.sagaway.eventstore.ConcurrencyConflict;
import io.sagaway.eventstore.EventStore;
import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.order.command.OrderCommandService;
import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.Order;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.order.domain.OrderStatus;
import io.sagaway.testing.Await;
import io.sagaway.testing.TestSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class EventStoreIT {

    private static Vertx vertx;
    private static TestSchema schema;
    private static final EventStore STORE = new EventStore();

    @BeforeAll
    static void migrate() {
        vertx = Vertx.vertx();
        schema = TestSchema.create(vertx, "it_store");
    }

    @AfterAll
    static void drop() {
        schema.close();
        Await.result(vertx.close());
    }

    @Test
    void ofConcurrentAppendsAtOneVersionExactlyOneWinsAndTheOthersConflict() {
        String stream = "stream-" + UUID.randomUUID();
        for (int version = 0; version < 5; version++) {
            int expected = version;
            List<Future<List<EventStore.StoredEvent>>> racers = IntStream.range(0, 10)
                .mapToObj(i -> schema.pool().withTransaction(tx -> STORE.append(tx, "Test", stream, expected,
                    List.of(new EventStore.NewEvent(UUID.randomUUID(), "TestEvent", new JsonObject().put("racer", i))),
                    new MessageMetadata("c", "c"), Instant.now())))
                .toList();
            Await.result(Future.join(racers).otherwiseEmpty());

            assertThat(racers.stream().filter(Future::succeeded)).as("winners at version " + (expected + 1)).hasSize(1);
            assertThat(racers.stream().filter(Future::failed)).allMatch(f -> f.cause() instanceof ConcurrencyConflict);
        }
        List<EventStore.StoredEvent> events = Await.result(STORE.read(schema.pool(), stream, 0, Integer.MAX_VALUE));
        assertThat(events).extracting(EventStore.StoredEvent::version).containsExactly(1, 2, 3, 4, 5);
    }

    @Test
    void aBatchAppendGetsConsecutiveVersionsAndRollsBackWhole() {
        String stream = "stream-" + UUID.randomUUID();
        List<EventStore.NewEvent> three = IntStream.range(0, 3)
            .mapToObj(i -> new EventStore.NewEvent(UUID.randomUUID(), "TestEvent", new JsonObject().put("n", i))).toList();
        Await.result(schema.pool().withTransaction(tx -> STORE.append(tx, "Test", stream, 0, three, new MessageMetadata("c", "c"), Instant.now())));

        Throwable clash = Await.failure(schema.pool().withTransaction(tx -> STORE.append(tx, "Test", stream, 2,
            List.of(new EventStore.NewEvent(UUID.randomUUID(), "TestEvent", new JsonObject()),
                new EventStore.NewEvent(UUID.randomUUID(), "TestEvent", new JsonObject())),
            new MessageMetadata("c", "c"), Instant.now())));

        assertThat(clash).isInstanceOf(ConcurrencyConflict.class);
        assertThat(Await.result(STORE.read(schema.pool(), stream, 0, 99))).extracting(EventStore.StoredEvent::version).containsExactly(1, 2, 3);
    }

    @Test
    void ordersLoadFromTheLatestSnapshotAndAnyVersionCanBeReadBack() {
        OrderRepository orders = new OrderRepository(schema.pool(), STORE, "it.unused", 2);
        OrderCommandService service = new OrderCommandService(orders);
        String id = "order-" + UUID.randomUUID();
        MessageMetadata meta = new MessageMetadata(id, id);
        Await.result(service.placeOrder(new OrderCommand.PlaceOrder(id, "alice",
                List.of(new OrderItem("SKU-1", 3, new BigDecimal("12.50"))), new Address("1 Main", "Seoul", "04524", "KR"), "KRW"),
            Optional.empty(), meta));
        Await.result(service.execute(id, new OrderCommand.RecordPayment("pay-1", new BigDecimal("37.5")), meta));
        Await.result(service.execute(id, new OrderCommand.RecordReservation("res-1"), meta));
        Await.result(service.execute(id, new OrderCommand.RecordShipment("ship-1", "KR-TRACK-1"), meta));

        assertThat(schema.count("SELECT count(*) FROM snapshots WHERE aggregate_id = '" + id + "'")).isEqualTo(2);
        List<EventStore.StoredEvent> stream = Await.result(orders.stream(id));
        assertThat(stream).extracting(EventStore.StoredEvent::type)
            .containsExactly("OrderPlaced", "PaymentReceived", "StockReserved", "OrderShipped");
        Order replayed = Order.replay(id, stream.stream().map(OrderRepository::toRecorded).toList());

        Order loaded = Await.result(orders.load(id));
        assertThat(loaded.view()).isEqualTo(replayed.view());
        assertThat(loaded.status()).isEqualTo(OrderStatus.SHIPPED);

        for (int version = 1; version <= 4; version++) {
            Order expected = Order.replay(id, stream.subList(0, version).stream().map(OrderRepository::toRecorded).toList());
            assertThat(Await.result(orders.loadAt(id, version))).as("version " + version).contains(expected.view());
        }
        assertThat(Await.result(orders.loadAt(id, 5))).isEmpty();
        assertThat(Await.result(orders.loadAt("no-such-order", 1))).isEmpty();
    }

    @Test
    void eachEventIsStoredWithItsOutboxMessageInTheSameTransaction() {
        OrderRepository orders = new OrderRepository(schema.pool(), STORE, "it.orders", 50);
        String id = "order-" + UUID.randomUUID();
        Await.result(new OrderCommandService(orders).placeOrder(new OrderCommand.PlaceOrder(id, "bob",
                List.of(new OrderItem("SKU-2", 1, new BigDecimal("5"))), new Address("l", "c", "p", "US"), "USD"),
            Optional.empty(), new MessageMetadata("corr-1", "req-1")));

        var row = Await.result(schema.pool().query("SELECT e.event_id, o.id, o.topic, o.aggregateid, o.payload FROM events e JOIN outbox o ON o.id = e.event_id WHERE e.aggregate_id = '" + id + "'").execute()).iterator().next();
        assertThat(row.getString("topic")).isEqualTo("it.orders");
        assertThat(row.getString("aggregateid")).isEqualTo(id);
        JsonObject envelope = new JsonObject(row.getString("payload"));
        assertThat(envelope.getString("messageId")).isEqualTo(row.getUUID("event_id").toString());
        assertThat(envelope.getString("type")).isEqualTo("OrderPlaced");
        assertThat(envelope.getLong("version")).isEqualTo(1L);
        assertThat(envelope.getString("correlationId")).isEqualTo("corr-1");
        assertThat(envelope.getString("causationId")).isEqualTo("req-1");
        assertThat(envelope.getJsonObject("payload").getString("totalAmount")).isEqualTo("5");
        assertThat(new ArrayList<>(envelope.fieldNames())).contains("occurredAt", "aggregateType", "aggregateId");
    }
}
