package io.sagaway.order.command;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.order.domain.OrderStatus;
import io.sagaway.testing.Await;
import io.sagaway.testing.TestSchema;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Order commands over the event bus, as the GraphQL layer and the saga send them, against real PostgreSQL. */
class OrderCommandIT {

    private static Vertx vertx;
    private static TestSchema schema;
    private static OrderCommandClient client;

    @BeforeAll
    static void deploy() {
        vertx = Vertx.vertx();
        schema = TestSchema.create(vertx, "it_cmd");
        Await.result(vertx.deployVerticle(new OrderCommandVerticle(
            new OrderCommandVerticle.Settings(schema.postgresUri(), schema.name(), 8, "it.orders", 50))));
        client = new OrderCommandClient(vertx.eventBus(), Duration.ofSeconds(10));
    }

    @AfterAll
    static void undeploy() {
        Await.result(Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()));
        schema.close();
        Await.result(vertx.close());
    }

    private static JsonObject placeOrder(String customer) {
        return new JsonObject()
            .put("command", "PlaceOrder")
            .put("customerId", customer)
            .put("items", new JsonArray().add(new JsonObject().put("sku", "SKU-1").put("quantity", 2).put("unitPrice", "49.90")))
            .put("shippingAddress", new JsonObject().put("line1", "1 Sejong-daero").put("city", "Seoul").put("postalCode", "04524").put("country", "KR"))
            .put("currency", "KRW");
    }

    @Test
    void aPlacedOrderIsPendingAtVersionOneWithItsEventAndOutboxMessageStored() {
        String customer = "c-" + UUID.randomUUID();

        CommandResult result = Await.result(client.send(placeOrder(customer)));

        assertThat(result.status()).isEqualTo(OrderStatus.PENDING);
        assertThat(result.version()).isEqualTo(1);
        assertThat(schema.count("SELECT count(*) FROM events WHERE aggregate_id = '" + result.orderId() + "' AND event_type = 'OrderPlaced'")).isEqualTo(1);
        assertThat(schema.count("SELECT count(*) FROM outbox WHERE aggregateid = '" + result.orderId() + "'")).isEqualTo(1);
        assertThat(schema.count("SELECT count(*) FROM events WHERE data->>'customerId' = '" + customer + "' AND data->>'totalAmount' = '99.80'")).isEqualTo(1);
    }

    @Test
    void badInputIsRefusedNamingTheFieldAndStoresNothing() {
        String customer = "c-" + UUID.randomUUID();
        JsonObject bad = placeOrder(customer);
        bad.getJsonArray("items").getJsonObject(0).put("unitPrice", "0.001");

        CommandFailure failure = (CommandFailure) Await.failure(client.send(bad));

        assertThat(failure.code()).isEqualTo(ErrorCode.BAD_USER_INPUT);
        assertThat(failure.field()).isEqualTo("items[0].unitPrice");
        assertThat(schema.count("SELECT count(*) FROM events WHERE data->>'customerId' = '" + customer + "'")).isZero();

        CommandFailure malformed = (CommandFailure) Await.failure(client.send(placeOrder(customer).put("items", "not a list")));
        assertThat(malformed.code()).isEqualTo(ErrorCode.BAD_USER_INPUT);
        assertThat(malformed.getMessage()).doesNotContain("Exception").doesNotContain("at io.");
    }

    @Test
    void concurrentPlaceOrdersWithOneIdempotencyKeyPlaceOneOrderAndAllAnswerIt() {
        String customer = "c-" + UUID.randomUUID();
        String key = "key-" + UUID.randomUUID();

        List<Future<CommandResult>> all = IntStream.range(0, 20)
            .mapToObj(i -> client.send(placeOrder(customer).put("idempotencyKey", key)))
            .toList();
        Await.result(Future.all(all));

        List<String> orderIds = all.stream().map(f -> f.result().orderId()).distinct().toList();
        assertThat(orderIds).hasSize(1);
        assertThat(all).allSatisfy(f -> {
            assertThat(f.result().version()).isEqualTo(1);
            assertThat(f.result().status()).isEqualTo(OrderStatus.PENDING);
        });
        assertThat(schema.count("SELECT count(*) FROM events WHERE data->>'customerId' = '" + customer + "'")).isEqualTo(1);

        // The same key of another customer is another order.
        CommandResult other = Await.result(client.send(placeOrder("other-" + customer).put("idempotencyKey", key)));
        assertThat(other.orderId()).isNotEqualTo(orderIds.get(0));
    }

    /** Orders placed at the same moment share transactions: the events of a burst of 40 were written by far fewer. */
    @Test
    void aBurstOfOrdersIsStoredInFewTransactions() {
        String customer = "burst-" + UUID.randomUUID();

        List<Future<CommandResult>> all = IntStream.range(0, 40).mapToObj(i -> client.send(placeOrder(customer))).toList();
        Await.result(Future.all(all));

        assertThat(all.stream().map(f -> f.result().orderId()).distinct()).hasSize(40);
        assertThat(schema.count("SELECT count(*) FROM events WHERE data->>'customerId' = '" + customer + "'")).isEqualTo(40);
        assertThat(schema.count("SELECT count(*) FROM outbox o JOIN events e ON e.event_id = o.id WHERE e.data->>'customerId' = '"
            + customer + "'")).isEqualTo(40);
        assertThat(schema.count("SELECT count(DISTINCT xmin::text) FROM events WHERE data->>'customerId' = '" + customer + "'"))
            .as("transactions that wrote the burst").isLessThan(20);
    }

    /** One order the database refuses fails alone; the others placed with it in one transaction are stored, each once. */
    @Test
    void anOrderTheDatabaseRefusesFailsAloneAndTheOthersOfItsBatchAreStored() {
        String customer = "batch-" + UUID.randomUUID();
        Await.result(schema.pool().query("CREATE FUNCTION " + schema.name() + ".refuse_explode() RETURNS trigger LANGUAGE plpgsql AS $$ "
            + "BEGIN IF NEW.data->>'customerId' = 'explode' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$").execute());
        Await.result(schema.pool().query("CREATE TRIGGER refuse_explode BEFORE INSERT ON " + schema.name()
            + ".events FOR EACH ROW EXECUTE FUNCTION " + schema.name() + ".refuse_explode()").execute());
        try {
            List<Future<CommandResult>> all = IntStream.range(0, 30)
                .mapToObj(i -> client.send(placeOrder(i == 17 ? "explode" : customer)))
                .toList();
            Await.result(Future.join(all).otherwiseEmpty());

            assertThat(all.get(17).failed()).isTrue();
            assertThat(all.stream().filter(Future::succeeded).map(f -> f.result().orderId()).distinct()).hasSize(29);
            assertThat(schema.count("SELECT count(*) FROM events WHERE data->>'customerId' = '" + customer + "'")).isEqualTo(29);
            assertThat(schema.count("SELECT count(*) FROM events WHERE data->>'customerId' = 'explode'")).isZero();
        } finally {
            Await.result(schema.pool().query("DROP TRIGGER refuse_explode ON " + schema.name() + ".events").execute());
        }
    }

    @Test
    void aRepeatWithTheKeyLaterStillAnswersTheFirstResult() {
        String customer = "c-" + UUID.randomUUID();
        CommandResult first = Await.result(client.send(placeOrder(customer).put("idempotencyKey", "k1")));
        Await.result(client.execute(first.orderId(), new OrderCommand.CancelOrder("changed my mind"), new MessageMetadata("c", "c")));

        CommandResult repeat = Await.result(client.send(placeOrder(customer).put("idempotencyKey", "k1")));

        assertThat(repeat).isEqualTo(first);
    }

    @Test
    void cancellingMovesARunningOrderToCompensatingOnceAndAFinishedOrderIsAConflict() {
        CommandResult placed = Await.result(client.send(placeOrder("c-" + UUID.randomUUID())));
        MessageMetadata meta = new MessageMetadata(placed.orderId(), "test");

        CommandResult cancelled = Await.result(client.execute(placed.orderId(), new OrderCommand.CancelOrder("no longer needed"), meta));
        CommandResult again = Await.result(client.execute(placed.orderId(), new OrderCommand.CancelOrder("no longer needed"), meta));
        CommandResult confirmed = Await.result(client.execute(placed.orderId(), new OrderCommand.ConfirmCancellation(), meta));
        CommandFailure late = (CommandFailure) Await.failure(client.execute(placed.orderId(), new OrderCommand.CancelOrder("again"), meta));

        assertThat(cancelled.status()).isEqualTo(OrderStatus.COMPENSATING);
        assertThat(again).isEqualTo(cancelled);
        assertThat(confirmed.status()).isEqualTo(OrderStatus.CANCELLED);
        assertThat(late.code()).isEqualTo(ErrorCode.CONFLICT);
    }

    @Test
    void anUnknownOrderIsNotFound() {
        CommandFailure failure = (CommandFailure) Await.failure(client.execute("no-such-order",
            new OrderCommand.CancelOrder("x"), new MessageMetadata("c", "c")));
        assertThat(failure.code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void concurrentDuplicatesOfAStepResultRecordItOnce() {
        CommandResult placed = Await.result(client.send(placeOrder("c-" + UUID.randomUUID())));
        MessageMetadata meta = new MessageMetadata(placed.orderId(), "payment-reply");

        List<Future<CommandResult>> duplicates = IntStream.range(0, 8)
            .mapToObj(i -> client.execute(placed.orderId(), new OrderCommand.RecordPayment("pay-1", new BigDecimal("99.80")), meta))
            .toList();
        Await.result(Future.all(duplicates));

        assertThat(duplicates).allSatisfy(f -> assertThat(f.result().status()).isEqualTo(OrderStatus.PAID));
        assertThat(schema.count("SELECT count(*) FROM events WHERE aggregate_id = '" + placed.orderId() + "' AND event_type = 'PaymentReceived'")).isEqualTo(1);
    }
}
