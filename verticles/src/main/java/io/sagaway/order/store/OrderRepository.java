package io.sagaway.order.store;

import io.sagaway.eventstore.EventStore.NewEvent;
import io.sagaway.eventstore.EventStore.StoredEvent;
import io.sagaway.eventstore.EventStore;
import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.JsonCodec;
import io.sagaway.order.domain.Order;
import io.sagaway.order.domain.OrderEvent;
import io.sagaway.order.domain.OrderView;
import io.sagaway.outbox.Outbox;
import io.sagaway.outbox.OutboxMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Orders in the event store: loaded from the latest snapshot plus the events after it, saved as
 * new events with their outbox messages (and a snapshot every {@code snapshotEvery} events) in
 * one transaction.
 */
public final class OrderRepository {

    public static final String AGGREGATE_TYPE = "Order";

    private static final Map<String, Class<? extends OrderEvent>> EVENT_TYPES = OrderEvent.TYPES.stream()
        .collect(Collectors.toUnmodifiableMap(Class::getSimpleName, Function.identity()));

    private final Pool pool;
    private final EventStore store;
    private final String topic;
    private final int snapshotEvery;

    /**
     * @param topic         where the order's events are published (the outbox rows' topic)
     * @param snapshotEvery take a snapshot each time a stream crosses a multiple of this many events
     */
    public OrderRepository(Pool pool, EventStore store, String topic, int snapshotEvery) {
        if (snapshotEvery < 1) {
            throw new IllegalArgumentException("snapshotEvery must be at least 1");
        }
        this.pool = pool;
        this.store = store;
        this.topic = topic;
        this.snapshotEvery = snapshotEvery;
    }

    public Pool pool() {
        return pool;
    }

    /** The order's current state; an order with no events comes back empty (version 0). */
    public Future<Order> load(String orderId) {
        return loadUpTo(pool, orderId, Integer.MAX_VALUE);
    }

    /** The order as it stood just after {@code version}, if the stream reaches that far. */
    public Future<Optional<OrderView>> loadAt(String orderId, int version) {
        return loadUpTo(pool, orderId, version)
            .map(order -> order.version() == version && version > 0 ? Optional.of(order.view()) : Optional.empty());
    }

    /** Every event of the order's stream, oldest first. */
    public Future<List<StoredEvent>> stream(String orderId) {
        return store.read(pool, orderId, 0, Integer.MAX_VALUE);
    }

    /** The order's current state read through {@code client}, e.g. inside another component's transaction. */
    public Future<Order> load(SqlClient client, String orderId) {
        return loadUpTo(client, orderId, Integer.MAX_VALUE);
    }

    private Future<Order> loadUpTo(SqlClient client, String orderId, int upToVersion) {
        return store.load(client, orderId, upToVersion).map(stream -> {
            Order order = stream.snapshot()
                .map(s -> Order.fromView(JsonCodec.fromJson(s.state(), OrderView.class)))
                .orElseGet(() -> Order.empty(orderId));
            stream.events().forEach(e -> order.apply(toRecorded(e)));
            return order;
        });
    }

    /**
     * Appends {@code events} to {@code order} in {@code tx} with their outbox messages, and applies
     * them to {@code order}. Fails with a {@link io.sagaway.eventstore.ConcurrencyConflict} when the
     * stream moved on; the caller then discards {@code order} and reloads.
     */
    public Future<List<StoredEvent>> append(SqlConnection tx, Order order, List<OrderEvent> events, MessageMetadata metadata) {
        // PostgreSQL keeps microseconds; truncating here keeps memory and store identical.
        Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
        int expectedVersion = order.version();
        List<NewEvent> newEvents = events.stream()
            .map(e -> new NewEvent(UUID.randomUUID(), e.type(), JsonCodec.toJson(e)))
            .toList();
        return store.append(tx, AGGREGATE_TYPE, order.id(), expectedVersion, newEvents, metadata, at)
            .compose(stored -> {
                for (int i = 0; i < stored.size(); i++) {
                    order.apply(new Order.Recorded(stored.get(i).version(), at, events.get(i)));
                }
                List<OutboxMessage> messages = new ArrayList<>(stored.size());
                for (StoredEvent e : stored) {
                    messages.add(new OutboxMessage(topic, new Envelope(e.eventId().toString(), e.type(), AGGREGATE_TYPE,
                        e.aggregateId(), e.version(), metadata.correlationId(), metadata.causationId(), at, e.data()),
                        metadata.traceparent()));
                }
                return Outbox.insert(tx, messages)
                    .compose(v -> crossesSnapshot(expectedVersion, order.version())
                        ? store.saveSnapshot(tx, AGGREGATE_TYPE,
                            new EventStore.Snapshot(order.id(), order.version(), JsonCodec.toJson(order.view())), at)
                        : Future.succeededFuture())
                    .map(v -> stored);
            });
    }

    private boolean crossesSnapshot(int before, int after) {
        return after / snapshotEvery > before / snapshotEvery;
    }

    /** A stored event as the aggregate applies it. */
    public static Order.Recorded toRecorded(StoredEvent stored) {
        return new Order.Recorded(stored.version(), stored.occurredAt(), decode(stored.type(), stored.data()));
    }

    /** An order event from its type name and data, as stored and as published. */
    public static OrderEvent decode(String typeName, JsonObject data) {
        Class<? extends OrderEvent> type = EVENT_TYPES.get(typeName);
        if (type == null) {
            throw new IllegalArgumentException("unknown order event type " + typeName);
        }
        return JsonCodec.fromJson(data, type);
    }

    public static boolean isOrderEvent(String typeName) {
        return EVENT_TYPES.containsKey(typeName);
    }
}
