package io.sagaway.saga;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.JsonCodec;
import io.sagaway.messaging.PoisonMessageException;
import io.sagaway.messaging.ProcessedMessages;
import io.sagaway.messaging.ReliableConsumer;
import io.sagaway.messaging.TopicNames;
import io.sagaway.order.domain.Decision;
import io.sagaway.order.domain.Order;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.order.domain.OrderEvent;
import io.sagaway.order.domain.OrderView;
import io.sagaway.order.store.OrderRepository;
import io.sagaway.outbox.Outbox;
import io.sagaway.outbox.OutboxMessage;
import io.sagaway.readmodel.SagaDocuments;
import io.sagaway.saga.domain.OrderSaga;
import io.sagaway.saga.domain.SagaEffect;
import io.sagaway.saga.domain.SagaInput;
import io.sagaway.saga.domain.SagaPolicy;
import io.sagaway.saga.domain.SagaState;
import io.sagaway.saga.domain.TimelineEntry;
import io.sagaway.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The orchestrator's transactions. Inputs (order events and participants' replies, a wave of
 * them for different orders at a time; a timer; an operator's retry) are applied in one
 * PostgreSQL transaction that records the messages as processed, locks and updates each saga,
 * appends its timeline, moves its order aggregate, and writes the step requests and a
 * SagaUpdated event to the outbox. Any instance can continue any
 * saga; nothing lives only in memory.
 */
public final class SagaOrchestrator {

    public static final String CONSUMER = "order-saga";

    private final TopicNames topics;
    private final String consumer;
    private final Pool pool;
    private final SagaStore sagas;
    private final OrderRepository orders;
    private final SagaPolicy policy;

    public SagaOrchestrator(TopicNames topics, Pool pool, SagaStore sagas, OrderRepository orders, SagaPolicy policy) {
        this.topics = topics;
        this.consumer = topics.consumer(CONSUMER);
        this.pool = pool;
        this.sagas = sagas;
        this.orders = orders;
        this.policy = policy;
    }

    /** Whether the orchestrator acts on a message: replies, and of the order's events only those that start or cancel a saga. */
    public boolean handles(String topic, String type) {
        return !topics.orderEvents().equals(topic) || STARTS_OR_CANCELS.contains(type);
    }

    private static final Set<String> STARTS_OR_CANCELS = Set.of("OrderPlaced", "CancellationRequested");

    /** What one message asks of the orchestrator: start a saga, or apply an input to one. */
    private sealed interface Work permits Start, Apply {
        Envelope message();

        /** The span processing the message (null when tracing is off): what the step writes continues its trace. */
        String traceparent();
    }

    private record Start(Envelope message, SagaState.OrderData data, String traceparent) implements Work {
    }

    private record Apply(Envelope message, SagaInput input, String traceparent) implements Work {
    }

    /**
     * Handles a wave of messages of different orders in one transaction: one statement records
     * them all as processed, the sagas they move are locked (in the wave's order, by order id) and
     * their orders loaded right behind it without waiting, and then each one's step is applied.
     * A message that cannot be read fails the wave; the consumer then splits it until that
     * message is alone.
     */
    public Future<Void> onMessages(List<ReliableConsumer.Delivery> deliveries) {
        List<Work> work = new ArrayList<>(deliveries.size());
        List<ReliableConsumer.Delivery> worked = new ArrayList<>(deliveries.size());
        for (ReliableConsumer.Delivery delivery : deliveries) {
            try {
                work(delivery).ifPresent(w -> {
                    work.add(w);
                    worked.add(delivery);
                });
            } catch (PoisonMessageException e) {
                return Future.failedFuture(e);
            } catch (RuntimeException e) {
                return Future.failedFuture(new PoisonMessageException("malformed " + delivery.envelope().type() + ": " + e));
            }
        }
        if (work.isEmpty()) {
            return Future.succeededFuture();
        }
        return pool.withTransaction(tx -> {
            // Sent together, in this order, without waiting for each answer (the connection pipelines them).
            // join, not all: on a failure, go on only once every statement sent has answered, so no callback
            // can send more SQL after the transaction's rollback was queued (it would run outside it).
            Future<Set<String>> first = ProcessedMessages.firstTimes(tx, consumer, worked);
            List<Future<?>> reads = new ArrayList<>();
            reads.add(first);
            Map<String, Future<Optional<SagaState>>> found = new HashMap<>();
            Map<String, Future<Order>> loaded = new HashMap<>();
            for (Work w : work) {
                if (w instanceof Apply) {
                    String orderId = w.message().aggregateId();
                    reads.add(found.computeIfAbsent(orderId, id -> sagas.lockByOrder(tx, id)));
                    reads.add(loaded.computeIfAbsent(orderId, id -> orders.load(tx, id)));
                }
            }
            return Future.join(reads).compose(all -> {
                List<Future<Void>> steps = new ArrayList<>();
                for (Work w : work) {
                    if (!first.result().contains(w.message().messageId())) {
                        continue;
                    }
                    steps.add(switch (w) {
                        case Start s -> start(tx, s);
                        case Apply a -> found.get(a.message().aggregateId()).result()
                            .map(saga -> step(tx, saga, loaded.get(a.message().aggregateId()).result(), a.input(), a.message().messageId(),
                                a.traceparent()))
                            .orElseGet(() -> Future.failedFuture(new PoisonMessageException("no saga for order " + a.message().aggregateId())));
                    });
                }
                return Future.join(steps).mapEmpty();
            });
        });
    }

    /** What {@code delivery} asks, or empty for an order event the saga does not act on. */
    private Optional<Work> work(ReliableConsumer.Delivery delivery) {
        Envelope message = delivery.envelope();
        if (topics.orderEvents().equals(delivery.topic())) {
            return switch (message.type()) {
                case "OrderPlaced" -> {
                    OrderEvent.OrderPlaced event = JsonCodec.fromJson(message.payload(), OrderEvent.OrderPlaced.class);
                    yield Optional.of(new Start(message, new SagaState.OrderData(event.customerId(), event.items(), event.shippingAddress(),
                        event.currency(), event.totalAmount()), delivery.traceparent()));
                }
                case "CancellationRequested" ->
                    Optional.of(new Apply(message, new SagaInput.CancelRequested(message.payload().getString("reason")), delivery.traceparent()));
                default -> Optional.empty(); // the order's other events are the saga's own doing
            };
        }
        return Optional.of(new Apply(message, StepMessages.toInput(message), delivery.traceparent()));
    }

    private Future<Void> start(SqlConnection tx, Start placed) {
        String orderId = placed.message().aggregateId();
        OrderSaga saga = OrderSaga.start(sagaIdOf(orderId), orderId, placed.data(), policy, now());
        Transition transition = new Transition(saga);
        return sagas.insert(tx, saga.state(), transition.timeline).compose(inserted -> inserted
            ? commit(tx, saga.state(), 0, transition, Future.succeededFuture(SagaStore.TimelineTail.whole(SagaStore.json(transition.timeline))),
                placed.message().messageId(), placed.traceparent(), null)
            : Future.succeededFuture());
    }

    /** Applies the timers that are due to one saga, unless another instance holds it right now. */
    public Future<Void> tick(String sagaId) {
        return pool.withTransaction(tx -> sagas.lockById(tx, sagaId, true).compose(found -> found.isEmpty()
            ? Future.succeededFuture()
            : step(tx, found.get(), new SagaInput.Tick(), "timer:" + sagaId, null)));
    }

    /** An operator's retry of a saga's current step; answers the saga afterwards. */
    public Future<SagaState> retry(String sagaId) {
        return pool.withTransaction(tx -> sagas.lockById(tx, sagaId, false).compose(found -> {
            if (found.isEmpty()) {
                return Future.failedFuture(new CommandFailure(ErrorCode.NOT_FOUND, "saga " + sagaId + " does not exist"));
            }
            if (found.get().status().isFinished()) {
                return Future.failedFuture(new CommandFailure(ErrorCode.CONFLICT,
                    "saga " + sagaId + " is " + found.get().status() + ": nothing to retry"));
            }
            return step(tx, found.get(), new SagaInput.OperatorRetry(), "operator:" + UUID.randomUUID(), Tracing.currentTraceparent())
                .compose(v -> sagas.lockById(tx, sagaId, false)).map(Optional::orElseThrow);
        }));
    }

    /**
     * Applies {@code input} to a locked saga. The order is read first: if it was cancelled but
     * the saga has not heard yet, the cancellation is applied before the input.
     */
    private Future<Void> step(SqlConnection tx, SagaState stored, SagaInput input, String causationId, String traceparent) {
        return orders.load(tx, stored.orderId()).compose(order -> step(tx, stored, order, input, causationId, traceparent));
    }

    private Future<Void> step(SqlConnection tx, SagaState stored, Order order, SagaInput input, String causationId, String traceparent) {
        OrderSaga saga = OrderSaga.of(stored, policy);
        Transition transition = new Transition(null);
        OrderView view = order.view();
        if (view.cancellationRequested() && !stored.cancelRequested() && !(input instanceof SagaInput.CancelRequested)) {
            transition.add(saga.handle(new SagaInput.CancelRequested(view.failureReason()), now()));
        }
        transition.add(saga.handle(input, now()));
        if (transition.isEmpty()) {
            return Future.succeededFuture();
        }
        // The update is sent now; commit() sends the order's events behind it without waiting for its answer.
        return commit(tx, saga.state(), stored.version(), transition, sagas.update(tx, saga.state(), transition.timeline), causationId,
            traceparent, order);
    }

    /**
     * Moves the order, and queues the step requests and the SagaUpdated event: the saga with the
     * tail of its timeline that this change touched (as the saga's update, already sent, answers
     * it), to be spliced into the timeline as of version {@code basedOn}.
     */
    private Future<Void> commit(SqlConnection tx, SagaState saga, long basedOn, Transition transition, Future<SagaStore.TimelineTail> timeline,
                                String causationId, String traceparent, Order loadedOrder) {
        Instant at = now();
        MessageMetadata metadata = new MessageMetadata(saga.orderId(), causationId, traceparent);
        List<OutboxMessage> messages = new ArrayList<>();
        List<OrderCommand> orderCommands = new ArrayList<>();
        for (SagaEffect effect : transition.effects) {
            switch (effect) {
                case SagaEffect.SendStepRequest r -> messages.add(StepMessages.request(topics, r, saga, causationId, at, traceparent));
                case SagaEffect.CommandOrder c -> orderCommands.add(c.command());
            }
        }
        Future<Order> order = loadedOrder != null || orderCommands.isEmpty()
            ? Future.succeededFuture(loadedOrder) : orders.load(tx, saga.orderId());
        // The order's events go out while the saga's update is still answering; their outbox rows come before the step requests'.
        Future<Void> moved = order.compose(o -> moveOrder(tx, o, orderCommands, metadata));
        return Future.join(timeline, moved)
            .compose(v -> {
                messages.add(new OutboxMessage(topics.sagaEvents(), new Envelope(UUID.randomUUID().toString(), SagaDocuments.SAGA_UPDATED, "Saga",
                    saga.orderId(), saga.version(), saga.orderId(), causationId, at, SagaDocuments.message(saga, basedOn, timeline.result())),
                    traceparent));
                return Outbox.insert(tx, messages);
            });
    }

    private Future<Void> moveOrder(SqlConnection tx, Order order, List<OrderCommand> commands,
                                   MessageMetadata metadata) {
        Future<Void> chain = Future.succeededFuture();
        for (var command : commands) {
            chain = chain.compose(v -> switch (order.decide(command)) {
                case Decision.Accepted a when a.events().isEmpty() -> Future.succeededFuture();
                case Decision.Accepted a -> orders.append(tx, order, a.events(), metadata).mapEmpty();
                case Decision.Rejected r -> Future.failedFuture(new IllegalStateException(
                    "order " + order.id() + " refused the saga's " + command.getClass().getSimpleName() + ": " + r.message()));
            });
        }
        return chain;
    }

    public static String sagaIdOf(String orderId) {
        return UUID.nameUUIDFromBytes(("saga:" + orderId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    /** Effects and timeline entries gathered over one or two inputs applied in one transaction. */
    private static final class Transition {
        final List<SagaEffect> effects = new ArrayList<>();
        final List<TimelineEntry> timeline = new ArrayList<>();

        Transition(OrderSaga started) {
            if (started != null) {
                add(started);
            }
        }

        void add(OrderSaga saga) {
            effects.addAll(saga.effects());
            timeline.addAll(saga.newTimeline());
        }

        boolean isEmpty() {
            return effects.isEmpty() && timeline.isEmpty();
        }
    }
}
