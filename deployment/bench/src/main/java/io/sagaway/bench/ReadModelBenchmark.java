package io.sagaway.bench;

import io.sagaway.eventstore.EventStore;
import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.infra.InfraClients;
import io.sagaway.infra.Migrations;
import io.sagaway.messaging.JsonCodec;
import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.OrderEvent;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.order.store.OrderRepository;
import io.sagaway.readmodel.OrderProjector;
import io.sagaway.readmodel.ReadModelIndices;
import io.sagaway.readmodel.ReadModelRebuild;
import io.sagaway.stack.StackResolver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Measures the read-model rebuild rate (events replayed from the event store into a new index,
 * per second) beside the raw Elasticsearch bulk rate of the same machine in the same run.
 * Arguments: {@code --orders N} (default 20000; each has 3 events).
 */
public final class ReadModelBenchmark {

    private ReadModelBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        int orderCount = Bench.intArg(arguments, "--orders", 20_000);
        StackResolver.Resolution services = StackResolver.resolve(System.getenv());
        Vertx vertx = Vertx.vertx();
        String schema = Bench.scratchName();
        String prefix = schema.replace('_', '-') + "-";
        InfraClients.Elasticsearch es = InfraClients.elasticsearch(services.endpoints().elasticsearchUrl());
        var context = vertx.getOrCreateContext();
        try {
            Migrations.apply(services.endpoints().postgresUri(), schema);
            Pool pool = InfraClients.postgres(vertx, services.endpoints().postgresUri(), schema, 8);
            long events = fillEventStore(vertx, pool, orderCount);
            Bench.print("Read-model benchmark: " + orderCount + " orders, " + events + " events in the event store, Elasticsearch "
                + services.endpoints().elasticsearchUrl());

            // Bounded by the document count; the time limit only guards against a stalled node.
            double raw = RawLimits.elasticsearchBulk(es, context, prefix + "raw", events, Duration.ofMinutes(30));
            Bench.print(String.format("%-52s %10s docs/s", "raw Elasticsearch bulk index (batches of 1000)", Bench.rate(raw)));

            ReadModelIndices indices = new ReadModelIndices(es.client(), context, prefix);
            OrderProjector projector = new OrderProjector(es.client(), context, new OrderRepository(pool, new EventStore(), "unused",
                Integer.MAX_VALUE), () -> Future.failedFuture("unused"), vertx.eventBus());
            ReadModelRebuild rebuild = new ReadModelRebuild(vertx, pool, indices, projector, es.client(), context, Duration.ZERO);
            Bench.await(indices.ensure(ReadModelIndices.Kind.ORDERS), Duration.ofSeconds(30));
            long start = System.nanoTime();
            Bench.await(rebuild.run(), Duration.ofMinutes(30));
            double seconds = (System.nanoTime() - start) / 1e9;
            Bench.print(String.format("%-52s %10s events/s   (%,d orders in %.1f s, %.2f of raw bulk)", "read-model rebuild from the event store",
                Bench.rate(events / seconds), orderCount, seconds, events / seconds / raw));

            for (ReadModelIndices.Kind kind : ReadModelIndices.Kind.values()) {
                for (String index : Bench.await(indices.indicesOf(kind), Duration.ofSeconds(30))) {
                    Bench.await(indices.delete(index), Duration.ofSeconds(30));
                }
            }
            Bench.await(pool.query("DROP SCHEMA " + schema + " CASCADE").execute(), Duration.ofSeconds(60));
        } finally {
            es.close();
            Bench.await(vertx.close(), Duration.ofSeconds(30));
            services.stopStarted();
        }
    }

    /** Places, pays and reserves {@code orders} orders straight into the event store (no outbox: nothing is published). */
    private static long fillEventStore(Vertx vertx, Pool pool, int orders) {
        EventStore store = new EventStore();
        List<Future<?>> lanes = new ArrayList<>();
        int lanesCount = 8;
        for (int lane = 0; lane < lanesCount; lane++) {
            int from = lane * orders / lanesCount;
            int to = (lane + 1) * orders / lanesCount;
            Future<?> chain = Future.succeededFuture();
            for (int i = from; i < to; i++) {
                String id = "order-" + UUID.randomUUID();
                BigDecimal price = BigDecimal.valueOf(1000 + i % 5000, 2);
                List<OrderEvent> stream = List.of(
                    new OrderEvent.OrderPlaced(id, "customer-" + (i % 500), List.of(new OrderItem("SKU-" + (i % 50), 1, price)),
                        new Address("1 Main", "Seoul", "04524", "KR"), "KRW", price),
                    new OrderEvent.PaymentReceived("pay-" + i, price),
                    new OrderEvent.StockReserved("res-" + i));
                chain = chain.compose(v -> pool.withTransaction(tx -> store.append(tx, OrderRepository.AGGREGATE_TYPE, id, 0,
                    stream.stream().map(e -> new EventStore.NewEvent(UUID.randomUUID(), e.type(), JsonCodec.toJson(e))).toList(),
                    new MessageMetadata(id, id), Instant.now())));
            }
            lanes.add(chain);
        }
        Bench.await(Future.all(lanes), Duration.ofMinutes(30));
        return orders * 3L;
    }
}
