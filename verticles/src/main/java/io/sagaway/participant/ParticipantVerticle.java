package io.sagaway.participant;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.infra.Futures;
import io.sagaway.infra.InfraClients;
import io.sagaway.messaging.DeadLetters;
import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.IdempotencyGuard;
import io.sagaway.messaging.ProcessedMessages;
import io.sagaway.messaging.ReliableConsumer;
import io.sagaway.order.command.CommandErrors;
import io.sagaway.outbox.Outbox;
import io.sagaway.outbox.OutboxMessage;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Hosts one {@link Participant}: consumes its request topic through a {@link ReliableConsumer}
 * and, for each request, in one local transaction records the message id, does the effect (or,
 * for a redelivery, re-reads its outcome) and writes the reply to the outbox. The reply's id is
 * derived from the request's, so a re-sent reply is the same message.
 */
public final class ParticipantVerticle extends VerticleBase {

    /** Where the participant's services are, and how hard it retries a failing request. */
    public record Settings(String postgresUri, String schema, int poolSize, String redisUri, String kafkaBootstrapServers,
                           int maxAttempts, Duration retryBackoff) {
    }

    private final Participant participant;
    private final Settings settings;
    private Pool pool;
    private Redis redis;
    private ReliableConsumer consumer;
    private MessageConsumer<JsonObject> operator;

    public ParticipantVerticle(Participant participant, Settings settings) {
        this.participant = participant;
        this.settings = settings;
    }

    @Override
    public Future<?> start() {
        pool = InfraClients.postgres(vertx, settings.postgresUri(), settings.schema(), settings.poolSize());
        redis = InfraClients.redis(vertx, settings.redisUri());
        IdempotencyGuard guard = new IdempotencyGuard(RedisAPI.api(redis), participant.name(), Duration.ofSeconds(30), Duration.ofDays(1));
        consumer = new ReliableConsumer(vertx, new ReliableConsumer.Settings(participant.name(), List.of(participant.requestTopic()),
            settings.kafkaBootstrapServers(), settings.maxAttempts(), settings.retryBackoff()), guard, new DeadLetters(pool), this::handle);
        Future<Void> operatorReady = Future.succeededFuture();
        if (participant.operatorAddress() != null) {
            operator = vertx.eventBus().consumer(participant.operatorAddress(),
                message -> CommandErrors.reply(message, participant.operate(pool, message.body())));
            operatorReady = operator.completion();
        }
        return operatorReady.compose(v -> consumer.start());
    }

    private Future<Void> handle(ReliableConsumer.Delivery delivery) {
        Envelope request = delivery.envelope();
        return pool.withTransaction(tx -> {
            // A redelivered request runs the same idempotent logic: it finds the recorded outcome and changes
            // nothing. So the participant's statements need not wait for the processed-message insert's answer:
            // they go out right behind it, on the same connection.
            Future<Boolean> recorded = ProcessedMessages.firstTime(tx, participant.name(), request.messageId());
            Future<Reply> answered = Futures.call(() -> participant.handle(tx, request));
            return Future.join(recorded, answered).compose(v -> Outbox.insertIfAbsent(tx,
                List.of(new OutboxMessage(participant.replyTopic(), envelope(request, answered.result())))));
        });
    }

    private Envelope envelope(Envelope request, Reply reply) {
        UUID replyId = UUID.nameUUIDFromBytes((participant.name() + ":reply:" + request.messageId()).getBytes(StandardCharsets.UTF_8));
        return new Envelope(replyId.toString(), reply.type(), request.aggregateType(), request.aggregateId(), request.version(),
            request.correlationId(), request.messageId(), Instant.now().truncatedTo(ChronoUnit.MICROS), reply.payload());
    }

    @Override
    public Future<?> stop() {
        Future<Void> operatorStopped = operator == null ? Future.succeededFuture() : operator.unregister();
        return operatorStopped.compose(v -> consumer.stop()).eventually(() -> {
            redis.close();
            return pool.close();
        });
    }

    /** Refuses an operator message with BAD_USER_INPUT naming the field. */
    public static <T> Future<T> badInput(String field, String message) {
        return Future.failedFuture(new CommandFailure(ErrorCode.BAD_USER_INPUT, message, field));
    }
}
