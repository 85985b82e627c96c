package io.sagaway.readmodel;

import io.sagaway.messaging.JsonCodec;
import io.sagaway.saga.SagaStore;
import io.sagaway.saga.domain.SagaState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * The one home of a saga's read shapes, as {@link OrderDocuments} is for orders: the SagaUpdated
 * message (the saga's state and the tail of its timeline that the change touched), the
 * {@code sagas} index's document (the whole timeline under {@code timeline.entries}, so the index
 * does not map each entry's fields), and the GraphQL Saga type's shape.
 */
public final class SagaDocuments {

    public static final String SAGA_UPDATED = "SagaUpdated";
    private static final String TIMELINE_BASED_ON = "timelineBasedOn";
    private static final String TIMELINE_FROM = "timelineFrom";
    private static final String TIMELINE_TAIL = "timelineTail";

    private SagaDocuments() {
    }

    /**
     * The payload of a SagaUpdated message: the saga's state, and the tail of its timeline that
     * the change touched, to be spliced into the timeline as of version {@code basedOn} (0 for a
     * saga just started, whose tail is its whole timeline).
     */
    public static JsonObject message(SagaState saga, long basedOn, SagaStore.TimelineTail tail) {
        return JsonCodec.toJson(saga).put(TIMELINE_BASED_ON, basedOn).put(TIMELINE_FROM, tail.from()).put(TIMELINE_TAIL, tail.entries());
    }

    /** The timeline tail a SagaUpdated message carries. */
    public static SagaStore.TimelineTail tailOf(JsonObject message) {
        return new SagaStore.TimelineTail(message.getInteger(TIMELINE_FROM, 0), message.getJsonArray(TIMELINE_TAIL, new JsonArray()));
    }

    /**
     * The whole timeline after a SagaUpdated message, from the timeline as of {@code knownVersion}
     * (empty and 0 when nothing is known): empty when the message does not build on it (a message
     * in between was not seen), and the caller must read the saga's timeline from the write side.
     */
    public static Optional<JsonArray> timelineAfter(JsonObject message, long knownVersion, JsonArray known) {
        SagaStore.TimelineTail tail = tailOf(message);
        if (tail.from() == 0) {
            return Optional.of(tail.entries());
        }
        return message.getLong(TIMELINE_BASED_ON, -1L) == knownVersion ? tail.splice(known) : Optional.empty();
    }

    /** The {@code sagas} index's document of a saga state (as JSON: a message's payload, or a stored state) and its whole timeline. */
    public static JsonObject toDocument(JsonObject saga, JsonArray timeline, Instant committedAt, Instant projectedAt) {
        JsonArray steps = new JsonArray();
        saga.getJsonArray("steps", new JsonArray()).forEach(o -> {
            JsonObject s = (JsonObject) o;
            steps.add(new JsonObject().put("name", s.getString("name")).put("status", s.getString("status"))
                .put("attempts", s.getInteger("attempts")).put("startedAt", s.getString("startedAt"))
                .put("finishedAt", s.getString("finishedAt")).put("error", s.getString("error")));
        });
        JsonObject order = saga.getJsonObject("order", new JsonObject());
        return new JsonObject()
            .put("id", saga.getString("sagaId"))
            .put("orderId", saga.getString("orderId"))
            .put("customerId", order.getString("customerId"))
            .put("status", saga.getString("status"))
            .put("currentStep", saga.getString("currentStep"))
            .put("failedStep", saga.getString("failedStep"))
            .put("failureReason", saga.getString("failureReason"))
            .put("cancelRequested", saga.getBoolean("cancelRequested", false))
            .put("flagged", saga.getBoolean("flagged", false))
            .put("flagReason", saga.getString("flagReason"))
            .put("steps", steps)
            .put("timeline", new JsonObject().put("entries", timeline))
            .put("version", saga.getInteger("version"))
            .put("startedAt", saga.getString("startedAt"))
            .put("updatedAt", saga.getString("updatedAt"))
            .put("finishedAt", saga.getString("finishedAt"))
            .put("committedAt", committedAt.toString())
            .put("projectedAt", projectedAt.toString());
    }

    /** A stored saga's document. */
    public static JsonObject toDocument(SagaState saga, JsonArray timeline, Instant projectedAt) {
        return toDocument(JsonCodec.toJson(saga), timeline, saga.updatedAt(), projectedAt);
    }

    /** The whole timeline of a document. */
    public static JsonArray timelineOf(JsonObject document) {
        return document.getJsonObject("timeline", new JsonObject()).getJsonArray("entries", new JsonArray());
    }

    /** A document in the GraphQL Saga type's shape: the timeline a list, each entry with how often it happened. */
    public static Map<String, Object> toGraphQL(JsonObject document) {
        JsonArray entries = new JsonArray();
        timelineOf(document).forEach(e -> {
            JsonObject entry = ((JsonObject) e).copy();
            entries.add(entry.put("count", entry.getInteger("count", 1)));
        });
        return JsonCodec.plain(document.copy().put("timeline", entries));
    }
}
