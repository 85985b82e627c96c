package io.sagaway.saga;

import io.sagaway.infra.InfraClients;
import io.sagaway.messaging.Addresses;
import io.sagaway.messaging.Envelope;
import io.sagaway.order.command.CommandResult;
import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.saga.domain.SagaEventType;
import io.sagaway.saga.domain.SagaPolicy;
import io.sagaway.saga.domain.SagaState;
import io.sagaway.saga.domain.SagaStatus;
import io.sagaway.saga.domain.SagaStepName;
import io.sagaway.saga.domain.StepStatus;
import io.sagaway.testing.Await;
import io.sagaway.testing.SagaFixture.Part;
import io.sagaway.testing.SagaFixture;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Tuple;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** Nothing lost, nothing twice: duplicates, Redis losing its keys, restarts, contention and poison messages. */
class SagaResilienceIT {

    private static SagaFixture platform;

    @BeforeAll
    static void start() {
        platform = SagaFixture.start(new SagaPolicy(Duration.ofSeconds(5), Duration.ofSeconds(16), Duration.ofMillis(200), Duration.ofSeconds(2),
            Duration.ofSeconds(5), 3));
    }

    @AfterAll
    static void stop() {
        platform.close();
    }

    private static String customer(String balance) {
        return platform.newCustomer(balance);
    }

    private static String sku(int available) {
        return platform.newSku(available);
    }

    /** What must not change when messages are delivered again. */
    private record Snapshot(Map<String, Integer> sagaVersions, Map<String, Integer> orderVersions, BigDecimal balance,
                            List<Integer> stock, long payments, long reservations, long shipments) {
    }

    private static Snapshot snapshot(Set<String> orders, String customer, String sku) {
        return new Snapshot(
            orders.stream().collect(Collectors.toMap(o -> o, o -> platform.saga(o).orElseThrow().version())),
            orders.stream().collect(Collectors.toMap(o -> o, o -> platform.orderRow(o).getInteger("version"))),
            platform.balance(customer),
            List.of(platform.stock(sku)[0], platform.stock(sku)[1]),
            platform.schema().count("SELECT count(*) FROM payments"),
            platform.schema().count("SELECT count(*) FROM inventory_reservations"),
            platform.schema().count("SELECT count(*) FROM shipments"));
    }

    @Test
    void everyMessageOfFinishedSagasDeliveredAgainHasNoSecondEffect() {
        String alice = customer("10000.00");
        String sku = sku(10);
        String shipped = platform.placeOrder(alice, SagaFixture.SEOUL, new OrderItem(sku, 2, new BigDecimal("100")));
        String failed = platform.placeOrder(alice, new Address("x", "y", "z", "ZZ"),
            new OrderItem(sku, 1, new BigDecimal("100")));
        platform.awaitFinished(shipped);
        platform.awaitFinished(failed);
        platform.awaitNoLag(Duration.ofSeconds(30));
        Set<String> orders = Set.of(shipped, failed);
        Snapshot before = snapshot(orders, alice, sku);
        List<ConsumerRecord<String, String>> all = platform.recordsOf(orders);
        Set<String> types = all.stream().map(r -> Envelope.fromJson(r.value()).type()).collect(Collectors.toSet());
        assertThat(types).contains("OrderPlaced", "DebitPayment", "PaymentDebited", "ReserveStock", "InventoryReserved",
            "CreateShipment", "ShipmentCreated", "ShipmentRejected", "ReleaseStock", "InventoryReleased", "RefundPayment",
            "PaymentRefunded", "SagaUpdated", "OrderShipped", "OrderFailed");

        platform.redeliver(all);
        platform.redeliver(all);
        platform.awaitNoLag(Duration.ofSeconds(60));

        assertThat(snapshot(orders, alice, sku)).isEqualTo(before);
        assertThat(platform.balance(alice)).isEqualByComparingTo("9800.00");
        assertThat(platform.schema().count("SELECT count(*) FROM dead_letters")).isZero();
    }

    @Test
    void flushingRedisMidRunAndThenRedeliveringEverythingHasNoSecondEffect() {
        String bob = customer("100000.00");
        String sku = sku(1000);
        RedisAPI redis = RedisAPI.api(InfraClients.redis(platform.vertx(), platform.endpoints().redisUri()));
        Set<String> orders = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            orders.add(platform.placeOrder(bob, SagaFixture.SEOUL, new OrderItem(sku, 1, new BigDecimal("10"))));
            if (i % 5 == 0) {
                Await.result(redis.flushall(List.of()));
            }
        }
        orders.forEach(platform::awaitFinished);
        Await.result(redis.flushall(List.of()));
        platform.awaitNoLag(Duration.ofSeconds(30));
        Snapshot before = snapshot(orders, bob, sku);

        platform.redeliver(platform.recordsOf(orders));
        platform.awaitNoLag(Duration.ofSeconds(60));

        assertThat(orders).allMatch(o -> platform.saga(o).orElseThrow().status() == SagaStatus.COMPLETED);
        assertThat(snapshot(orders, bob, sku)).isEqualTo(before);
        assertThat(platform.balance(bob)).isEqualByComparingTo("99800.00");
        assertThat(platform.stock(sku)).containsExactly(980, 20);
    }

    @Test
    void sagasFinishWhenTheOrchestratorIsStoppedMidwayAndStartedAgain() {
        String carol = customer("1000.00");
        String sku = sku(10);
        platform.undeploy(Part.SHIPPING);
        String midway = platform.placeOrder(carol, SagaFixture.SEOUL, new OrderItem(sku, 1, new BigDecimal("10")));
        platform.awaitSaga(midway, s -> s.step(SagaStepName.SHIPPING).status() == StepStatus.RUNNING, Duration.ofSeconds(30));

        platform.undeploy(Part.SAGA);
        platform.deploy(Part.SHIPPING); // its reply waits in Kafka while no orchestrator runs
        List<String> placedWhileDown = IntStream.range(0, 3)
            .mapToObj(i -> platform.placeOrder(carol, SagaFixture.SEOUL, new OrderItem(sku, 1, new BigDecimal("10")))).toList();
        assertThat(placedWhileDown).allMatch(o -> platform.saga(o).isEmpty());
        platform.deploy(Part.SAGA);

        assertThat(platform.awaitFinished(midway).status()).isEqualTo(SagaStatus.COMPLETED);
        placedWhileDown.forEach(o -> assertThat(platform.awaitFinished(o).status()).isEqualTo(SagaStatus.COMPLETED));
        assertThat(platform.balance(carol)).isEqualByComparingTo("960.00");
    }

    @Test
    void aDeadlineThatPassesWhileTheOrchestratorIsDownFiresAfterItRestarts() {
        String dave = customer("1000.00");
        platform.undeploy(Part.PAYMENT);
        String orderId = platform.placeOrder(dave, SagaFixture.SEOUL, new OrderItem(sku(5), 1, new BigDecimal("10")));
        platform.awaitSaga(orderId, s -> s.step(SagaStepName.PAYMENT).status() == StepStatus.RUNNING, Duration.ofSeconds(30));
        platform.undeploy(Part.SAGA);
        sleep(Duration.ofSeconds(6)); // past the 5 s step deadline

        platform.deploy(Part.SAGA);
        SagaState retried = platform.awaitSaga(orderId, s -> s.step(SagaStepName.PAYMENT).attempts() >= 2, Duration.ofSeconds(20));
        platform.deploy(Part.PAYMENT);

        assertThat(Await.result(new SagaStore().timeline(platform.schema().pool(), retried.sagaId())))
            .anyMatch(e -> e.type() == SagaEventType.STEP_TIMED_OUT && e.step() == SagaStepName.PAYMENT);
        assertThat(platform.awaitFinished(orderId).status()).isEqualTo(SagaStatus.COMPLETED);
        assertThat(platform.balance(dave)).isEqualByComparingTo("990.00");
    }

    @Test
    void fiveHundredConcurrentOrdersForAHundredUnitsSellExactlyAHundredAndConserveMoney() {
        String erin = customer("1000000.00");
        String sku = sku(100);

        List<Future<CommandResult>> placing = IntStream.range(0, 500)
            .mapToObj(i -> platform.orders().placeOrder(new OrderCommand.PlaceOrder(null, erin,
                List.of(new OrderItem(sku, 1, new BigDecimal("7.50"))), SagaFixture.SEOUL, "KRW"), null, "load"))
            .toList();
        Await.result(Future.all(placing), Duration.ofSeconds(120));
        List<String> orders = placing.stream().map(f -> f.result().orderId()).toList();
        List<SagaState> finished = orders.stream()
            .map(o -> platform.awaitSaga(o, s -> s.status().isFinished(), Duration.ofSeconds(240))).toList();

        assertThat(finished.stream().filter(s -> s.status() == SagaStatus.COMPLETED)).hasSize(100);
        assertThat(finished.stream().filter(s -> s.status() == SagaStatus.FAILED))
            .hasSize(400).allMatch(s -> s.failureReason().startsWith("OUT_OF_STOCK"));
        assertThat(platform.stock(sku)).containsExactly(0, 100);
        assertThat(platform.balance(erin)).isEqualByComparingTo("999250.00");
        BigDecimal debited = Await.result(platform.schema().pool().preparedQuery(
                "SELECT coalesce(sum(amount), 0) FROM payments WHERE customer_id = $1 AND status = 'DEBITED'")
            .execute(Tuple.of(erin))).iterator().next().getBigDecimal(0);
        assertThat(platform.balance(erin).add(debited)).isEqualByComparingTo("1000000.00");
    }

    @Test
    void poisonMessagesLandInDeadLettersWhileOtherOrdersFlowAndCanBeRedriven() {
        String frank = customer("1000.00");
        String poisonKey = "poison-" + UUID.randomUUID();
        platform.publish(platform.topics().paymentReplies(), poisonKey, "this is not JSON");
        platform.publish(platform.topics().inventoryReplies(), poisonKey, new Envelope(UUID.randomUUID().toString(), "Bogus",
            "Saga", poisonKey, 1, poisonKey, poisonKey, Instant.now(), new JsonObject()).toJson().encode());
        platform.publish(platform.topics().paymentReplies(), poisonKey, new Envelope(UUID.randomUUID().toString(), "PaymentDebited",
            "Saga", poisonKey, 1, poisonKey, poisonKey, Instant.now(), new JsonObject().put("paymentId", "p")).toJson().encode());

        String orderId = platform.placeOrder(frank, SagaFixture.SEOUL, new OrderItem(sku(3), 1, new BigDecimal("10")));
        assertThat(platform.awaitFinished(orderId).status()).isEqualTo(SagaStatus.COMPLETED);

        SagaFixture.awaitValue(() -> platform.schema().count("SELECT count(*) FROM dead_letters WHERE record_key = '" + poisonKey + "'") == 3
            ? Boolean.TRUE : null, Duration.ofSeconds(30), "three dead letters");
        JsonObject listed = Await.result(platform.vertx().eventBus().<JsonObject>request(Addresses.DEAD_LETTER_COMMANDS,
            new JsonObject().put("action", "List").put("first", 50))).body();
        List<JsonObject> ours = new ArrayList<>();
        listed.getJsonArray("items").forEach(o -> {
            if (poisonKey.equals(((JsonObject) o).getString("key"))) {
                ours.add((JsonObject) o);
            }
        });
        assertThat(ours).extracting(o -> o.getString("error"))
            .anyMatch(e -> e.contains("not a message envelope"))
            .anyMatch(e -> e.contains("Bogus"))
            .anyMatch(e -> e.contains("no saga for order"));

        JsonObject unknown = ours.stream().filter(o -> o.getString("error").contains("no saga")).findFirst().orElseThrow();
        JsonObject redriven = Await.result(platform.vertx().eventBus().<JsonObject>request(Addresses.DEAD_LETTER_COMMANDS,
            new JsonObject().put("action", "Redrive").put("id", unknown.getString("id")))).body();
        assertThat(redriven.getString("redrivenAt")).isNotNull();
        // Redriven, it is consumed again, still refers to no saga, and is set aside once more.
        SagaFixture.awaitValue(() -> platform.schema().count("SELECT count(*) FROM dead_letters WHERE id = '" + unknown.getString("id")
            + "' AND redriven_at IS NULL AND attempts > 1") == 1 ? Boolean.TRUE : null, Duration.ofSeconds(30),
            "the redriven letter consumed again");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
