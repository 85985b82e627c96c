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
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Hosts one {@link Participant}: consumes its request topic through a {@link ReliableConsumer}
 * and, for each wave of requests (at most one per order), in one local transaction records the
 * message ids, does each effect (or, for a redelivery, re-reads its outcome) and writes the
 * replies to the outbox. The reply's id is derived from the request's, so a re-sent reply is the
 * same message.
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
        IdempotencyGuard guard = new IdempotencyGuard(redis, participant.name(), Duration.ofSeconds(30), Duration.ofDays(1));
        consumer = ReliableConsumer.batched(vertx, new ReliableConsumer.Settings(participant.name(), List.of(participant.requestTopic()),
            settings.kafkaBootstrapServers(), settings.maxAttempts(), settings.retryBackoff()), guard, new DeadLetters(pool), this::handle,
            ReliableConsumer.Relevance.ALL);
        Future<Void> operatorReady = Future.succeededFuture();
        if (participant.operatorAddress() != null) {
            operator = vertx.eventBus().consumer(participant.operatorAddress(),
                message -> CommandErrors.reply(message, participant.operate(pool, message.body())));
            operatorReady = operator.completion();
        }
        return operatorReady.compose(v -> consumer.start());
    }

    /**
     * Handles a wave of requests of different orders in one transaction: one statement records
     * them as processed, then each is done (or, for a redelivery, its recorded outcome re-read,
     * changing nothing) and one statement writes all the replies. Requests run one after another
     * unless the participant says they may interleave ({@link Participant#interleaves()}).
     */
    private Future<Void> handle(List<ReliableConsumer.Delivery> deliveries) {
        List<Envelope> requests = deliveries.stream().map(ReliableConsumer.Delivery::envelope).toList();
        return pool.withTransaction(tx -> {
            // A redelivered request runs the same idempotent logic, so the requests need not wait for the
            // processed-message insert's answer: they go out right behind it, on the same connection.
            Future<?> recorded = ProcessedMessages.firstTimes(tx, participant.name(), deliveries);
            Future<List<Reply>> answered = participant.interleaves() ? together(tx, requests) : inTurn(tx, requests);
            return Future.join(recorded, answered).compose(v -> {
                List<OutboxMessage> replies = new ArrayList<>(requests.size());
                for (int i = 0; i < requests.size(); i++) {
                    replies.add(new OutboxMessage(participant.replyTopic(), envelope(requests.get(i), answered.result().get(i)),
                        deliveries.get(i).traceparent()));
                }
                return Outbox.insertIfAbsent(tx, replies);
            });
        });
    }

    private Future<List<Reply>> together(SqlConnection tx, List<Envelope> requests) {
        List<Future<Reply>> replies = requests.stream().map(request -> Futures.call(() -> participant.handle(tx, request))).toList();
        return Future.join(replies).map(v -> replies.stream().map(Future::result).toList());
    }

    private Future<List<Reply>> inTurn(SqlConnection tx, List<Envelope> requests) {
        List<Reply> replies = new ArrayList<>(requests.size());
        Future<Void> chain = Future.succeededFuture();
        for (Envelope request : requests) {
            chain = chain.compose(v -> Futures.call(() -> participant.handle(tx, request))).map(reply -> {
                replies.add(reply);
                return null;
            });
        }
        return chain.map(v -> replies);
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
