package io.sagaway.messaging;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.infra.InfraClients;
import io.sagaway.order.command.CommandErrors;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.sqlclient.Pool;

import java.util.List;
import java.util.UUID;

/**
 * Serves {@link Addresses#DEAD_LETTER_COMMANDS}: {@code List} (newest first) and {@code Redrive},
 * which puts a dead letter's original record back on its topic, same key and value, so its
 * consumer processes it again (it was never marked processed).
 */
public final class DeadLetterVerticle extends VerticleBase {

    public record Settings(String postgresUri, String schema, String kafkaBootstrapServers) {
    }

    private final Settings settings;
    private Pool pool;
    private DeadLetters deadLetters;
    private KafkaProducer<String, String> producer;
    private MessageConsumer<JsonObject> consumer;

    public DeadLetterVerticle(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Future<?> start() {
        pool = InfraClients.postgres(vertx, settings.postgresUri(), settings.schema(), 2);
        deadLetters = new DeadLetters(pool);
        producer = KafkaProducer.create(vertx, InfraClients.kafkaProducerConfig(settings.kafkaBootstrapServers()));
        consumer = vertx.eventBus().consumer(Addresses.DEAD_LETTER_COMMANDS, message -> CommandErrors.reply(message, serve(message.body())));
        return consumer.completion();
    }

    private Future<JsonObject> serve(JsonObject request) {
        return switch (String.valueOf(request.getString("action"))) {
            case "List" -> list(request.getInteger("first", 20), request.getInteger("skip", 0));
            case "Redrive" -> redrive(request.getString("id"));
            default -> Future.failedFuture(new CommandFailure(ErrorCode.BAD_USER_INPUT, "unknown dead-letter action", "action"));
        };
    }

    private Future<JsonObject> list(int first, int skip) {
        if (first < 0 || first > 1000 || skip < 0) {
            return Future.failedFuture(new CommandFailure(ErrorCode.BAD_USER_INPUT, "first must be 0..1000", "first"));
        }
        return Future.all(deadLetters.list(first, skip), deadLetters.count()).map(all -> {
            JsonArray items = new JsonArray();
            all.<List<DeadLetters.DeadLetter>>resultAt(0).forEach(d -> items.add(toJson(d)));
            return new JsonObject().put("items", items).put("totalCount", all.<Long>resultAt(1));
        });
    }

    private Future<JsonObject> redrive(String idText) {
        UUID id;
        try {
            id = UUID.fromString(String.valueOf(idText));
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new CommandFailure(ErrorCode.BAD_USER_INPUT, "id is not a dead-letter id", "id"));
        }
        return deadLetters.get(id).compose(found -> {
            if (found.isEmpty()) {
                return Future.failedFuture(new CommandFailure(ErrorCode.NOT_FOUND, "dead letter " + id + " does not exist"));
            }
            DeadLetters.DeadLetter letter = found.get();
            // Mark first: the consumer may fail the message again (and clear the mark) before a mark made after the send.
            return deadLetters.markRedriven(id)
                .compose(marked -> producer.send(KafkaProducerRecord.create(letter.topic(), letter.key(), letter.value()))
                    .map(sent -> marked)
                    .recover(e -> deadLetters.clearRedriven(id).transform(v -> Future.failedFuture(e))))
                .map(DeadLetterVerticle::toJson);
        });
    }

    public static JsonObject toJson(DeadLetters.DeadLetter d) {
        return new JsonObject().put("id", d.id().toString()).put("consumer", d.consumer()).put("topic", d.topic())
            .put("partition", d.partition()).put("offset", d.offset()).put("key", d.key()).put("value", d.value())
            .put("error", d.error()).put("attempts", d.attempts()).put("firstFailedAt", d.firstFailedAt().toString())
            .put("lastFailedAt", d.lastFailedAt().toString())
            .put("redrivenAt", d.redrivenAt() == null ? null : d.redrivenAt().toString());
    }

    @Override
    public Future<?> stop() {
        return consumer.unregister().eventually(() -> producer.close()).eventually(() -> pool.close());
    }
}
