package io.sagaway.graphql.subscriptions;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.sagaway.infra.Futures;
import io.sagaway.infra.InfraClients;
import io.sagaway.infra.LruMap;
import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.ReliableConsumer;
import io.sagaway.messaging.TopicNames;
import io.sagaway.readmodel.SagaDocuments;
import io.sagaway.saga.SagaStore;
import io.sagaway.saga.domain.SagaStatus;
import io.vertx.core.Context;
import io.sagaway.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Fans order and saga updates out to this gateway's subscribers. It reads {@code order.events}
 * and {@code saga.events} from Kafka in a consumer group of its own (every gateway instance gets
 * every update, wherever the change happened), from the latest offset, committing nothing, and
 * after a rebalance from where it was. Each
 * subscription sees an order's (or saga's) updates once and in version order: anything at or
 * below the version it last delivered is dropped. An order's updates wait, in order, for the
 * lookup of its customer, which is retried until it succeeds: none is lost or overtaken.
 */
public final class SubscriptionHub {

    private static final Logger LOG = LoggerFactory.getLogger(SubscriptionHub.class);
    private static final int BUFFER = 256;
    private static final int CUSTOMER_CACHE = 10_000;
    /**
     * How many orders (or sagas) a subscription remembers the last delivered version of, to drop
     * duplicates and older updates. Bounded: a subscription to every order (the admin UI's live
     * view) would otherwise remember every order it ever saw. An update older than this many others
     * of the same subscription is long past any redelivery.
     */
    private static final int DELIVERED_MEMORY = 10_000;
    private static final long LOOKUP_RETRY_MS = 200;
    private static final long LOOKUP_RETRY_MAX_MS = 5_000;

    /** A status update of an order (the OrderStatusUpdate type) with the customer it belongs to. */
    public record OrderUpdate(String orderId, String customerId, String status, long version, Instant at, String reason) {
        public Map<String, Object> toGraphQL() {
            Map<String, Object> update = new HashMap<>();
            update.put("orderId", orderId);
            update.put("status", status);
            update.put("version", (int) version);
            update.put("at", at.toString());
            update.put("reason", reason);
            return update;
        }
    }

    /** One subscription: what it follows, its stream, and the last version it delivered of each order (or saga). */
    private record Listener<T>(Predicate<T> filter, BoundedPublisher<Map<String, Object>> publisher, Map<String, Long> delivered) {
    }

    private final Vertx vertx;
    private final LongConsumer fanOutNanos;
    private final TopicNames topics;
    private final String bootstrapServers;
    private final Pool pool;
    /** By stream, so that a stream's end removes it at once (thousands end together when a gateway's clients move). */
    private final Map<BoundedPublisher<?>, Listener<OrderUpdate>> orderListeners = new ConcurrentHashMap<>();
    private final Map<BoundedPublisher<?>, Listener<JsonObject>> sagaListeners = new ConcurrentHashMap<>();
    private final Map<String, String> customerOfOrder = new LruMap<>(CUSTOMER_CACHE);
    /** An order's updates wait, in order, for the lookup of its customer. */
    private final KeyedSequence<String> lookups = new KeyedSequence<>();
    /** A saga's updates are built, in order, from the timeline last delivered (or the stored saga). */
    private final KeyedSequence<JsonObject> sagaDocuments = new KeyedSequence<>();
    private final Map<String, Known> sagaTimelines = new LruMap<>(CUSTOMER_CACHE);
    private final SagaStore sagas = new SagaStore();
    /** Per saga, placeOrder calls waiting for it to finish. */
    private final Map<String, Set<Promise<Long>>> finishWaiters = new ConcurrentHashMap<>();
    private KafkaConsumer<String, String> consumer;
    /**
     * The next offset of each partition this feed has read. After a rebalance (the process paused
     * past its session, a broker restart) the partitions come back without a position, and this
     * group commits none: without these the feed would jump to the latest offset and its
     * subscribers, whose connections never dropped, would silently miss what happened meanwhile.
     * Only touched on the consumer's context.
     */
    private final Map<TopicPartition, Long> positions = new HashMap<>();
    private Context context;

    /**
     * @param fanOutNanos told, for each update that reached at least one subscriber, how long its
     *                    delivery took from the first subscriber to the last: what subscribers cost
     */
    public SubscriptionHub(Vertx vertx, TopicNames topics, String bootstrapServers, Pool pool, LongConsumer fanOutNanos) {
        this.vertx = vertx;
        this.fanOutNanos = fanOutNanos;
        this.topics = topics;
        this.bootstrapServers = bootstrapServers;
        this.pool = pool;
    }

    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        Map<String, String> config = InfraClients.kafkaConsumerConfig(bootstrapServers, topics.consumer("gateway-fanout-" + UUID.randomUUID()));
        config.put("auto.offset.reset", "latest");
        consumer = KafkaConsumer.create(vertx, config);
        consumer.handler(record -> {
            positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            if (sagaListeners.isEmpty() && finishWaiters.isEmpty() && !record.topic().equals(topics.orderEvents())) {
                return; // a SagaUpdated carries the whole saga: not parsed unless someone follows sagas or waits for one
            }
            // With tracing on, the push to subscribers is the last span of the update's trace.
            Span span = Tracing.enabled() ? Tracing.span("push " + record.topic(), SpanKind.CONSUMER,
                ReliableConsumer.header(record, Tracing.TRACEPARENT)).setAttribute(Tracing.ORDER_ID, record.key()).startSpan() : null;
            try {
                Envelope envelope = Envelope.fromJson(record.value());
                if (record.topic().equals(topics.orderEvents())) {
                    onOrderEvent(envelope);
                } else {
                    onSagaEvent(envelope);
                }
                if (span != null) {
                    span.setAttribute(Tracing.MESSAGE_ID, envelope.messageId()).setAttribute(Tracing.MESSAGE_TYPE, envelope.type()).end();
                }
            } catch (RuntimeException e) {
                if (span != null) {
                    Tracing.end(span, e);
                }
                LOG.warn("subscription fan-out skipped a record of {}: {}", record.topic(), e.toString());
            }
        });
        // Ready once partitions are assigned: reading from the latest offset, updates before that are not seen.
        Promise<Void> assigned = Promise.promise();
        consumer.partitionsAssignedHandler(partitions -> {
            assigned.tryComplete();
            partitions.forEach(partition -> {
                Long next = positions.get(partition);
                if (next != null) {
                    consumer.seek(partition, next).onFailure(e -> LOG.warn("subscription fan-out: cannot resume {} at offset {}: {}",
                        partition, next, e.toString()));
                }
            });
        });
        long fallback = vertx.setTimer(15_000, id -> {
            LOG.warn("subscription fan-out: no partitions assigned within 15 s; serving anyway");
            assigned.tryComplete();
        });
        return consumer.subscribe(Set.of(topics.orderEvents(), topics.sagaEvents()))
            .compose(v -> assigned.future())
            .onComplete(done -> vertx.cancelTimer(fallback));
    }

    public Future<Void> stop() {
        return consumer == null ? Future.succeededFuture() : consumer.close();
    }

    /** Order status updates matching {@code filter}. */
    public BoundedPublisher<Map<String, Object>> orders(Predicate<OrderUpdate> filter) {
        Map<String, Long> delivered = new LruMap<>(DELIVERED_MEMORY);
        BoundedPublisher<Map<String, Object>> publisher = new BoundedPublisher<>(context, BUFFER, orderListeners::remove);
        orderListeners.put(publisher, new Listener<>(filter, publisher, delivered));
        return publisher;
    }

    /** Saga updates (the Saga type's shape) matching {@code filter}. */
    public BoundedPublisher<Map<String, Object>> sagas(Predicate<JsonObject> filter) {
        Map<String, Long> delivered = new LruMap<>(DELIVERED_MEMORY);
        BoundedPublisher<Map<String, Object>> publisher = new BoundedPublisher<>(context, BUFFER, sagaListeners::remove);
        sagaListeners.put(publisher, new Listener<>(filter, publisher, delivered));
        return publisher;
    }

    /**
     * Completes with the version at which saga {@code sagaId} finished, seen on the saga feed this
     * hub follows anyway, or read by {@code stored} right after listening starts (it may have
     * finished before); fails when {@code timeout} passes first.
     */
    public Future<Long> awaitSagaFinished(String sagaId, Supplier<Future<Optional<Long>>> stored, Duration timeout) {
        Promise<Long> finished = Promise.promise();
        finishWaiters.computeIfAbsent(sagaId, id -> ConcurrentHashMap.newKeySet()).add(finished);
        long timer = vertx.setTimer(timeout.toMillis(), id -> finished.tryFail("saga " + sagaId + " did not finish within " + timeout));
        stored.get().onSuccess(version -> version.ifPresent(finished::tryComplete));
        return finished.future().onComplete(done -> {
            vertx.cancelTimer(timer);
            finishWaiters.computeIfPresent(sagaId, (id, waiters) -> {
                waiters.remove(finished);
                return waiters.isEmpty() ? null : waiters;
            });
        });
    }

    public int subscriberCount() {
        return orderListeners.size() + sagaListeners.size();
    }

    private void onOrderEvent(Envelope event) {
        String orderId = event.aggregateId();
        if ("OrderPlaced".equals(event.type())) {
            customerOfOrder.put(orderId, event.payload().getString("customerId"));
        }
        String status = statusAfter(event.type());
        if (status == null || orderListeners.isEmpty()) {
            return;
        }
        lookups.then(orderId, () -> customerOf(orderId)).onSuccess(customerId -> {
            OrderUpdate update = new OrderUpdate(orderId, customerId, status, event.version(), event.occurredAt(),
                event.payload().getString("reason"));
            fanOut(orderListeners, update, update.orderId(), update.version(), update.toGraphQL());
        });
    }

    private void onSagaEvent(Envelope event) {
        if (!SagaDocuments.SAGA_UPDATED.equals(event.type())) {
            return;
        }
        // A saga's messages are keyed by its order (one order, one partition): the saga's own id is in the payload.
        Set<Promise<Long>> waiting = finishWaiters.get(event.payload().getString("sagaId"));
        if (waiting != null && isFinished(event.payload().getString("status"))) {
            Set.copyOf(waiting).forEach(w -> w.tryComplete(event.version()));
        }
        if (sagaListeners.isEmpty()) {
            return;
        }
        String sagaId = event.payload().getString("sagaId");
        sagaDocuments.then(sagaId, () -> documentAfter(sagaId, event)).onSuccess(document -> {
            fanOut(sagaListeners, document, sagaId, document.getLong("version"), SagaDocuments.toGraphQL(document));
        });
    }

    /**
     * The saga's document after {@code event}: its timeline tail spliced into the timeline this hub
     * last built, or, when it does not build on that (an update went by while no one followed
     * sagas), the saga read whole from the event store's side, retried until it answers.
     */
    private Future<JsonObject> documentAfter(String sagaId, Envelope event) {
        Known known = sagaTimelines.getOrDefault(sagaId, new Known(0, new JsonArray()));
        if (event.version() <= known.version()) {
            return Future.failedFuture("saga " + sagaId + " v" + event.version() + " is already delivered");
        }
        Optional<JsonArray> after = SagaDocuments.timelineAfter(event.payload(), known.version(), known.timeline());
        if (after.isPresent()) {
            sagaTimelines.put(sagaId, new Known(event.version(), after.get()));
            return Future.succeededFuture(SagaDocuments.toDocument(event.payload(), after.get(), event.occurredAt(), Instant.now()));
        }
        return Futures.retryUntilSuccess(vertx, () -> sagas.stored(pool, sagaId), LOOKUP_RETRY_MS, LOOKUP_RETRY_MAX_MS,
                (e, pause) -> LOG.warn("subscription fan-out: reading saga {} failed ({}); retrying in {} ms", sagaId, e.toString(), pause))
            .compose(stored -> stored.map(s -> {
                sagaTimelines.put(sagaId, new Known(s.saga().version(), s.timeline()));
                return Future.succeededFuture(SagaDocuments.toDocument(s.saga(), s.timeline(), Instant.now()));
            }).orElseGet(() -> Future.failedFuture("saga " + sagaId + " is not stored")));
    }

    /** A saga's timeline as this hub last delivered it. */
    private record Known(long version, JsonArray timeline) {
    }

    /**
     * Offers one update to every subscription that follows it and has not had it, all the same
     * instance {@code item}, so that its payload is rendered once for all that sent the same
     * subscription (see SubscriptionPayloads). Each stream takes it on this same context at once,
     * and a connection reading it renders and writes it then, so this loop spans the update's
     * fan-out, which is measured when it reached anyone.
     */
    private <T> void fanOut(Map<BoundedPublisher<?>, Listener<T>> listeners, T update, String key, long version, Map<String, Object> item) {
        long start = System.nanoTime();
        int delivered = 0;
        for (Listener<T> listener : listeners.values()) {
            if (!listener.filter().test(update)) {
                continue;
            }
            Long last = listener.delivered().get(key);
            if (last != null && version <= last) {
                continue; // a duplicate or an older update: each reaches a subscriber once, in version order
            }
            listener.delivered().put(key, version);
            listener.publisher().offer(item);
            delivered++;
        }
        if (delivered > 0) {
            fanOutNanos.accept(System.nanoTime() - start);
        }
    }

    /**
     * The customer of an order: from its OrderPlaced (cached), else from the event store, asked
     * again with growing pauses until it answers, so no update is dropped for a failed read.
     */
    private Future<String> customerOf(String orderId) {
        String cached = customerOfOrder.get(orderId);
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        return Futures.retryUntilSuccess(vertx,
            () -> pool.preparedQuery("SELECT data->>'customerId' FROM events WHERE aggregate_id = $1 AND version = 1")
                .execute(Tuple.of(orderId))
                .map(rows -> {
                    String customer = rows.size() == 0 ? null : rows.iterator().next().getString(0);
                    if (customer != null) {
                        customerOfOrder.put(orderId, customer);
                    }
                    return customer;
                }),
            LOOKUP_RETRY_MS, LOOKUP_RETRY_MAX_MS, (e, pause) -> LOG.warn(
                "subscription fan-out: reading the customer of order {} failed ({}); its updates wait, retrying in {} ms",
                orderId, e.toString(), pause));
    }

    private static boolean isFinished(String sagaStatus) {
        return sagaStatus != null && SagaStatus.valueOf(sagaStatus).isFinished();
    }

    static String statusAfter(String eventType) {
        return switch (eventType) {
            case "OrderPlaced" -> "PENDING";
            case "PaymentReceived" -> "PAID";
            case "StockReserved" -> "RESERVED";
            case "OrderShipped" -> "SHIPPED";
            case "CompensationStarted", "CancellationRequested" -> "COMPENSATING";
            case "OrderFailed" -> "FAILED";
            case "OrderCancelled" -> "CANCELLED";
            default -> null;
        };
    }
}
