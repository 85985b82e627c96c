package io.sagaway.messaging;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * The one envelope of every Kafka message (see docs/messaging.md). The record key is always
 * {@code aggregateId} (the order id), so one order's messages stay in order.
 *
 * @param messageId     unique per message; a redelivery carries the same id, which is what consumers dedupe on
 * @param type          e.g. {@code OrderPlaced}, {@code PaymentRequested}
 * @param aggregateType e.g. {@code Order}
 * @param aggregateId   the order id: the Kafka key
 * @param version       the version of the aggregate's stream this message reflects
 * @param correlationId the id shared by everything one request caused (the order id for a saga)
 * @param causationId   the id of the message or request that caused this one
 * @param occurredAt    when the change committed
 * @param payload       the event's or command's own fields
 */
public record Envelope(
    String messageId,
    String type,
    String aggregateType,
    String aggregateId,
    long version,
    String correlationId,
    String causationId,
    Instant occurredAt,
    JsonObject payload
) {
    public Envelope {
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(aggregateId, "aggregateId");
        Objects.requireNonNull(occurredAt, "occurredAt");
        payload = payload == null ? new JsonObject() : payload;
    }

    public JsonObject toJson() {
        return new JsonObject()
            .put("messageId", messageId)
            .put("type", type)
            .put("aggregateType", aggregateType)
            .put("aggregateId", aggregateId)
            .put("version", version)
            .put("correlationId", correlationId)
            .put("causationId", causationId)
            .put("occurredAt", occurredAt.toString())
            .put("payload", payload);
    }

    /** Reads an envelope, failing with {@link JsonCodec.MalformedMessageException} when it is not one. */
    public static Envelope fromJson(String text) {
        try {
            JsonObject json = new JsonObject(text);
            // Message ids are UUIDs: consumers record them as such, so anything else is unreadable here.
            UUID.fromString(json.getString("messageId"));
            return new Envelope(
                json.getString("messageId"),
                json.getString("type"),
                json.getString("aggregateType"),
                json.getString("aggregateId"),
                json.getLong("version", 0L),
                json.getString("correlationId"),
                json.getString("causationId"),
                Instant.parse(json.getString("occurredAt")),
                json.getJsonObject("payload"));
        } catch (RuntimeException e) {
            throw new JsonCodec.MalformedMessageException("not a message envelope: " + e.getMessage(), e);
        }
    }
}
