package io.sagaway.eventstore;

import io.vertx.core.json.JsonObject;

/**
 * Who caused a change: {@code correlationId} ties together everything one request caused,
 * {@code causationId} names the request or message that directly caused it.
 */
public record MessageMetadata(String correlationId, String causationId) {

    public JsonObject toJson() {
        return new JsonObject().put("correlationId", correlationId).put("causationId", causationId);
    }

    public static MessageMetadata fromJson(JsonObject json) {
        return json == null ? new MessageMetadata(null, null)
            : new MessageMetadata(json.getString("correlationId"), json.getString("causationId"));
    }
}
