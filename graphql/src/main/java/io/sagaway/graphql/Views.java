package io.sagaway.graphql;

import io.sagaway.messaging.JsonCodec;
import io.sagaway.order.domain.OrderView;
import io.sagaway.readmodel.OrderDocuments;
import io.sagaway.saga.SagaOrchestrator;
import io.sagaway.saga.domain.SagaState;
import io.sagaway.saga.domain.TimelineEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Read-model documents and write-side states in the shape of the GraphQL types (plain maps). */
final class Views {

    private Views() {
    }

    /** An order document of the read model (already in the Order type's shape). */
    static Map<String, Object> order(JsonObject document) {
        return JsonCodec.plain(document);
    }

    /** An order as the event store has it (STRONG reads, orderAtVersion). */
    static Map<String, Object> order(OrderView view) {
        return JsonCodec.plain(OrderDocuments.toDocument(view, view.updatedAt(), Instant.now()));
    }

    /** A saga document of the read model: its timeline is stored under {@code timeline.entries}. */
    static Map<String, Object> saga(JsonObject document) {
        JsonObject copy = document.copy();
        Object timeline = copy.getValue("timeline");
        if (timeline instanceof JsonObject wrapped) {
            copy.put("timeline", wrapped.getJsonArray("entries", new JsonArray()));
        }
        return JsonCodec.plain(copy);
    }

    /** A saga as the orchestrator stores it (after an operator's retry). */
    static Map<String, Object> saga(SagaState state, List<TimelineEntry> timeline) {
        JsonObject json = SagaOrchestrator.sagaJson(state, timeline);
        return saga(io.sagaway.readmodel.SagaProjector.toDocument(json, state.updatedAt(), Instant.now())
            .put("timeline", json.getJsonArray("timeline")));
    }
}
