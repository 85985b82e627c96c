package io.sagaway.saga;

import io.sagaway.eventstore.EventStore;
import io.sagaway.infra.InfraClients;
import io.sagaway.messaging.Addresses;
import io.sagaway.messaging.DeadLetters;
import io.sagaway.messaging.IdempotencyGuard;
import io.sagaway.messaging.ReliableConsumer;
import io.sagaway.messaging.TopicNames;
import io.sagaway.order.command.CommandErrors;
import io.sagaway.order.store.OrderRepository;
import io.sagaway.saga.domain.SagaDefinition;
import io.sagaway.saga.domain.SagaPolicy;
import io.sagaway.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/**
 * The saga orchestrator: consumes order events and the participants' replies, runs the timer
 * sweep that fires stored deadlines and retries (so timers survive restarts), and serves the
 * operator's retry on {@link Addresses#SAGA_COMMANDS}.
 */
public final class OrderSagaVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(OrderSagaVerticle.class);
    private static final Duration FAILED_TIMER_RETRY = Duration.ofSeconds(30);

    public record Settings(TopicNames topics, String postgresUri, String schema, int poolSize, String redisUri,
                           String kafkaBootstrapServers, SagaPolicy policy, Duration sweepInterval, int maxAttempts,
                           Duration retryBackoff, int snapshotEvery) {
    }

    private final Settings settings;
    private Pool pool;
    private Redis redis;
    private ReliableConsumer consumer;
    private SagaOrchestrator orchestrator;
    private MessageConsumer<JsonObject> commands;
    private long sweepTimer;
    private boolean sweeping;

    public OrderSagaVerticle(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Future<?> start() {
        pool = InfraClients.postgres(vertx, settings.postgresUri(), settings.schema(), settings.poolSize());
        redis = InfraClients.redis(vertx, settings.redisUri());
        TopicNames topics = settings.topics();
        orchestrator = new SagaOrchestrator(topics, pool, new SagaStore(),
            new OrderRepository(pool, new EventStore(), topics.orderEvents(), settings.snapshotEvery()), settings.policy());
        String name = topics.consumer(SagaOrchestrator.CONSUMER);
        consumer = ReliableConsumer.batched(vertx, new ReliableConsumer.Settings(name,
            List.of(topics.orderEvents(), topics.paymentReplies(), topics.inventoryReplies(), topics.shippingReplies()),
            settings.kafkaBootstrapServers(), settings.maxAttempts(), settings.retryBackoff()),
            new IdempotencyGuard(redis, name, Duration.ofSeconds(30), Duration.ofDays(1)),
            new DeadLetters(pool), orchestrator::onMessages, orchestrator::handles)
            .withSpanAttributes((message, span) -> {
                span.setAttribute(Tracing.SAGA_ID, SagaOrchestrator.sagaIdOf(message.aggregateId()));
                SagaDefinition.forReply(message.type()).ifPresent(step -> span.setAttribute(Tracing.STEP, step.name().name()));
            });
        commands = vertx.eventBus().consumer(Addresses.SAGA_COMMANDS, message -> {
            String sagaId = message.body().getString("sagaId");
            CommandErrors.reply(message, orchestrator.retry(sagaId == null ? "" : sagaId)
                .map(saga -> new JsonObject().put("sagaId", saga.sagaId()).put("status", saga.status().name())));
        });
        sweepTimer = vertx.setPeriodic(settings.sweepInterval().toMillis(), id -> sweep());
        return commands.completion().compose(v -> consumer.start());
    }

    /** Fires due deadlines and retries, one saga per transaction; several instances share the work (SKIP LOCKED). */
    private void sweep() {
        if (sweeping) {
            return;
        }
        sweeping = true;
        new SagaStore().due(pool, 100)
            .compose(ids -> {
                Future<Void> chain = Future.succeededFuture();
                for (String id : ids) {
                    chain = chain.compose(v -> orchestrator.tick(id).recover(e -> {
                        // Do not spin on a saga whose timers keep failing: look again in a while.
                        LOG.warn("timers of saga {} could not fire ({}); retrying in {} s", id, e.toString(), FAILED_TIMER_RETRY.toSeconds());
                        return pool.preparedQuery("UPDATE sagas SET next_wakeup_at = now() + make_interval(secs => $2) WHERE saga_id = $1")
                            .execute(Tuple.of(id, (double) FAILED_TIMER_RETRY.toSeconds())).<Void>mapEmpty()
                            .otherwiseEmpty();
                    }));
                }
                return chain;
            })
            .onComplete(done -> {
                sweeping = false;
                if (done.failed()) {
                    LOG.warn("saga timer sweep failed: {}", done.cause().toString());
                }
            });
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(sweepTimer);
        return commands.unregister().compose(v -> consumer.stop()).eventually(() -> {
            redis.close();
            return pool.close();
        });
    }
}
