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
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The orchestrator's transactions. Each input (an order event, a participant's reply, a timer, an
 * operator's retry) is applied in one PostgreSQL transaction that records the message as
 * processed, locks and updates the saga, appends its timeline, moves the order aggregate, and
 * writes the step requests and a SagaUpdated event to the outbox. Any instance can continue any
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
    public boolean handles(ReliableConsumer.Delivery delivery) {
        return !topics.orderEvents().equals(delivery.topic()) || STARTS_OR_CANCELS.contains(delivery.envelope().type());
    }

    private static final Set<String> STARTS_OR_CANCELS = Set.of("OrderPlaced", "CancellationRequested");

    /** Handles one message from {@code order.events} or a participant's reply topic. */
    public Future<Void> onMessage(ReliableConsumer.Delivery delivery) {
        Envelope message = delivery.envelope();
        if (topics.orderEvents().equals(delivery.topic())) {
            return switch (message.type()) {
                case "OrderPlaced" -> start(message);
                case "CancellationRequested" -> apply(message, new SagaInput.CancelRequested(message.payload().getString("reason")));
                default -> Future.succeededFuture(); // the order's other events are the saga's own doing
            };
        }
        SagaInput input;
        try {
            input = StepMessages.toInput(message);
        } catch (PoisonMessageException e) {
            return Future.failedFuture(e);
        } catch (RuntimeException e) {
            return Future.failedFuture(new PoisonMessageException("malformed " + message.type() + ": " + e));
        }
        return apply(message, input);
    }

    private Future<Void> start(Envelope placed) {
        OrderEvent.OrderPlaced event = JsonCodec.fromJson(placed.payload(), OrderEvent.OrderPlaced.class);
        String orderId = placed.aggregateId();
        SagaState.OrderData data = new SagaState.OrderData(event.customerId(), event.items(), event.shippingAddress(),
            event.currency(), event.totalAmount());
        return pool.withTransaction(tx -> ProcessedMessages.firstTime(tx, consumer, placed.messageId()).compose(first -> {
            if (!first) {
                return Future.succeededFuture();
            }
            OrderSaga saga = OrderSaga.start(sagaIdOf(orderId), orderId, data, policy, now());
            Transition transition = new Transition(saga);
            return sagas.insert(tx, saga.state(), transition.timeline).compose(inserted -> inserted
                ? commit(tx, saga.state(), 0, transition, Future.succeededFuture(SagaStore.TimelineTail.whole(SagaStore.json(transition.timeline))),
                    placed.messageId(), null)
                : Future.succeededFuture());
        }));
    }

    private Future<Void> apply(Envelope message, SagaInput input) {
        return pool.withTransaction(tx -> {
            // Sent together, in this order, without waiting for each answer (the connection pipelines them):
            // the order is read once the saga is locked, as before, and a redelivery only wasted two reads.
            // join, not all: on a failure, go on only once every statement sent has answered, so no callback
            // can send more SQL after the transaction's rollback was queued (it would run outside it).
            Future<Boolean> first = ProcessedMessages.firstTime(tx, consumer, message.messageId());
            Future<Optional<SagaState>> found = sagas.lockByOrder(tx, message.aggregateId());
            Future<Order> order = orders.load(tx, message.aggregateId());
            return Future.join(first, found, order).compose(all -> {
                if (!first.result()) {
                    return Future.succeededFuture();
                }
                if (found.result().isEmpty()) {
                    return Future.failedFuture(new PoisonMessageException("no saga for order " + message.aggregateId()));
                }
                return step(tx, found.result().get(), order.result(), input, message.messageId());
            });
        });
    }

    /** Applies the timers that are due to one saga, unless another instance holds it right now. */
    public Future<Void> tick(String sagaId) {
        return pool.withTransaction(tx -> sagas.lockById(tx, sagaId, true).compose(found -> found.isEmpty()
            ? Future.succeededFuture()
            : step(tx, found.get(), new SagaInput.Tick(), "timer:" + sagaId)));
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
            return step(tx, found.get(), new SagaInput.OperatorRetry(), "operator:" + UUID.randomUUID())
                .compose(v -> sagas.lockById(tx, sagaId, false)).map(Optional::orElseThrow);
        }));
    }

    /**
     * Applies {@code input} to a locked saga. The order is read first: if it was cancelled but
     * the saga has not heard yet, the cancellation is applied before the input.
     */
    private Future<Void> step(SqlConnection tx, SagaState stored, SagaInput input, String causationId) {
        return orders.load(tx, stored.orderId()).compose(order -> step(tx, stored, order, input, causationId));
    }

    private Future<Void> step(SqlConnection tx, SagaState stored, Order order, SagaInput input, String causationId) {
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
            order);
    }

    /**
     * Moves the order, and queues the step requests and the SagaUpdated event: the saga with the
     * tail of its timeline that this change touched (as the saga's update, already sent, answers
     * it), to be spliced into the timeline as of version {@code basedOn}.
     */
    private Future<Void> commit(SqlConnection tx, SagaState saga, long basedOn, Transition transition, Future<SagaStore.TimelineTail> timeline,
                                String causationId, Order loadedOrder) {
        Instant at = now();
        MessageMetadata metadata = new MessageMetadata(saga.orderId(), causationId);
        List<OutboxMessage> messages = new ArrayList<>();
        List<OrderCommand> orderCommands = new ArrayList<>();
        for (SagaEffect effect : transition.effects) {
            switch (effect) {
                case SagaEffect.SendStepRequest r -> messages.add(new OutboxMessage(StepMessages.requestTopic(topics, r.step()),
                    new Envelope(r.requestId().toString(), StepMessages.requestType(r.step(), r.compensation()), "Saga",
                        saga.orderId(), saga.version(), saga.orderId(), causationId, at,
                        StepMessages.requestPayload(r.step(), r.compensation(), saga).put("attempt", r.attempt()))));
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
                    saga.orderId(), saga.version(), saga.orderId(), causationId, at, SagaDocuments.message(saga, basedOn, timeline.result()))));
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
