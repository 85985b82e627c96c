package io.sagaway.graphql.subscriptions;

import graphql.ExecutionInput;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * What a client sent to start a subscription: the document, the operation it names and the
 * variables. Two subscriptions with the same request get the same payload for the same update, so
 * {@link #shape()} is what an update's rendering is shared by.
 */
public record SubscriptionRequest(String query, String operationName, Map<String, Object> variables, Map<String, Object> extensions) {

    public SubscriptionRequest {
        variables = variables == null ? Map.of() : variables;
        extensions = extensions == null ? Map.of() : extensions;
    }

    /** From a graphql-transport-ws {@code subscribe} payload; fails with a message for the client when it has no query. */
    public static SubscriptionRequest fromPayload(JsonObject payload) {
        if (payload == null || !(payload.getValue("query") instanceof String query) || query.isBlank()) {
            throw new IllegalArgumentException("a subscribe message needs a payload with a query");
        }
        Object variables = payload.getValue("variables");
        Object extensions = payload.getValue("extensions");
        Object operation = payload.getValue("operationName");
        return new SubscriptionRequest(query, operation instanceof String name ? name : null,
            variables instanceof JsonObject v ? v.getMap() : null, extensions instanceof JsonObject e ? e.getMap() : null);
    }

    /** The input to execute, without its context. */
    public ExecutionInput.Builder input() {
        ExecutionInput.Builder input = ExecutionInput.newExecutionInput().query(query).variables(variables).extensions(extensions);
        return operationName == null ? input : input.operationName(operationName);
    }

    /** What decides the payload of an update: the document, the operation and the variables (which may skip or include fields). */
    public String shape() {
        return query + '\u0000' + operationName + '\u0000' + new JsonObject(variables).encode();
    }
}
