package io.sagaway.graphql;

import io.sagaway.messaging.JsonCodec;
import io.sagaway.order.domain.OrderView;
import io.sagaway.readmodel.OrderDocuments;
import io.sagaway.readmodel.SagaDocuments;
import io.sagaway.saga.SagaStore;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Map;

/** Read-model documents and write-side states in the shape of the GraphQL types (plain maps). */
final class Views {

    /**
     * Marks an order read from the write side, so its nested saga is read there too: a STRONG
     * read never pairs a current order with a stale saga.
     */
    private static final String FROM_WRITE_SIDE = "sagaway.fromWriteSide";

    private Views() {
    }

    /** An order document of the read model (already in the Order type's shape). */
    static Map<String, Object> order(JsonObject document) {
        return JsonCodec.plain(document);
    }

    /** An order as the event store has it (STRONG reads, orderAtVersion, cancelOrder's answer). */
    static Map<String, Object> order(OrderView view) {
        Map<String, Object> order = JsonCodec.plain(OrderDocuments.toDocument(view, view.updatedAt(), Instant.now()));
        order.put(FROM_WRITE_SIDE, true);
        return order;
    }

    static boolean isFromWriteSide(Map<String, Object> order) {
        return Boolean.TRUE.equals(order.get(FROM_WRITE_SIDE));
    }

    /** A saga document of the read model. */
    static Map<String, Object> saga(JsonObject document) {
        return SagaDocuments.toGraphQL(document);
    }

    /** A saga as the orchestrator stores it (STRONG reads, after an operator's retry). */
    static Map<String, Object> storedSaga(SagaStore.Stored stored) {
        return SagaDocuments.toGraphQL(SagaDocuments.toDocument(stored.saga(), stored.timeline(), Instant.now()));
    }
}
