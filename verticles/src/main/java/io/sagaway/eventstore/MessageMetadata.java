package io.sagaway.eventstore;

import io.vertx.core.json.JsonObject;

/**
 * Who caused a change: {@code correlationId} ties together everything one request caused,
 * {@code causationId} names the request or message that directly caused it, and
 * {@code traceparent} (W3C, null when tracing is off) the span that made it, so the messages it
 * writes continue that trace.
 */
public record MessageMetadata(String correlationId, String causationId, String traceparent) {

    public MessageMetadata(String correlationId, String causationId) {
        this(correlationId, causationId, null);
    }

    /** The same, made by the span of {@code traceparent}. */
    public MessageMetadata tracedBy(String newTraceparent) {
        return new MessageMetadata(correlationId, causationId, newTraceparent);
    }

    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("correlationId", correlationId).put("causationId", causationId);
        return traceparent == null ? json : json.put("traceparent", traceparent);
    }

    public static MessageMetadata fromJson(JsonObject json) {
        return json == null ? new MessageMetadata(null, null)
            : new MessageMetadata(json.getString("correlationId"), json.getString("causationId"), json.getString("traceparent"));
    }
}
