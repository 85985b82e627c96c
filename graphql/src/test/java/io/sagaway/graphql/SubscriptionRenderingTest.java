package io.sagaway.graphql;

import graphql.schema.FieldCoordinates;
import graphql.schema.GraphQLFieldDefinition;
import graphql.schema.GraphQLNamedType;
import graphql.schema.GraphQLObjectType;
import graphql.schema.GraphQLSchema;
import graphql.schema.GraphQLTypeUtil;
import io.sagaway.graphql.subscriptions.SubscriptionRequest;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An update rendered for a subscription is what graphql-java's own execution of that subscription's
 * selection gives: aliases, fragments, variables in directives, scalars and errors included.
 */
class SubscriptionRenderingTest {

    private final SagawayGraphQL graphQL = new SagawayGraphQL(null, SagawayGraphQL.Limits.DEFAULT);

    private static Map<String, Object> orderUpdate(String reason) {
        Map<String, Object> update = new HashMap<>();
        update.put("orderId", "o-1");
        update.put("status", "FAILED");
        update.put("version", 5);
        update.put("at", "2026-11-30T12:00:00Z");
        update.put("reason", reason);
        return update;
    }

    private JsonObject render(String query, Map<String, Object> variables, Object update) {
        return new JsonObject(graphQL.renderUpdate(new SubscriptionRequest(query, null, variables, null), update).join());
    }

    @Test
    void theSelectionIsExecutedOverTheUpdateWithAliasesAndFragments() {
        JsonObject payload = render("subscription($c: ID) { changed: orderStatusChanged(customerId: $c) { id: orderId ...S version } } "
            + "fragment S on OrderStatusUpdate { status at }", Map.of("c", "alice"), orderUpdate("out of stock"));
        assertThat(payload).isEqualTo(new JsonObject().put("data", new JsonObject().put("changed", new JsonObject()
            .put("id", "o-1").put("status", "FAILED").put("at", "2026-11-30T12:00:00Z").put("version", 5))));
    }

    @Test
    void variablesDecideWhatIsIncluded() {
        String query = "subscription($why: Boolean!) { orderStatusChanged { status reason @include(if: $why) } }";
        assertThat(render(query, Map.of("why", true), orderUpdate("card declined")).getJsonObject("data")
            .getJsonObject("orderStatusChanged").getString("reason")).isEqualTo("card declined");
        assertThat(render(query, Map.of("why", false), orderUpdate("card declined")).getJsonObject("data")
            .getJsonObject("orderStatusChanged").containsKey("reason")).isFalse();
    }

    @Test
    void aMissingNonNullFieldFailsTheRenderingAsItFailsGraphqlJavasOwnEvent() {
        Map<String, Object> broken = orderUpdate(null);
        broken.remove("status");
        assertThat(graphQL.renderUpdate(new SubscriptionRequest("subscription { orderStatusChanged { orderId status } }", null, Map.of(), null),
            broken)).failsWithin(java.time.Duration.ofSeconds(5)).withThrowableThat().withMessageContaining("non null");
    }

    @Test
    void aSagaUpdateRendersItsNestedStepsAndTimeline() {
        Map<String, Object> saga = Map.of("id", "s-1", "orderId", "o-1", "status", "COMPENSATING",
            "steps", List.of(Map.of("name", "PAYMENT", "status", "COMPENSATED", "attempts", 1)),
            "timeline", List.of(Map.of("at", "2026-11-30T12:00:00Z", "type", "STEP_FAILED", "step", "SHIPPING")),
            "startedAt", "2026-11-30T11:59:59Z", "updatedAt", "2026-11-30T12:00:00Z");
        JsonObject payload = render("subscription { sagaUpdated { id status steps { name status attempts } timeline { type step } } }",
            Map.of(), saga);
        assertThat(payload.getJsonObject("data").getJsonObject("sagaUpdated").encode()).isEqualTo(
            "{\"id\":\"s-1\",\"status\":\"COMPENSATING\",\"steps\":[{\"name\":\"PAYMENT\",\"status\":\"COMPENSATED\",\"attempts\":1}],"
                + "\"timeline\":[{\"type\":\"STEP_FAILED\",\"step\":\"SHIPPING\"}]}");
    }

    /**
     * One rendering serves every subscriber of the same subscription, whoever they are. That holds
     * while nothing an update shows is resolved by code of its own (which could look at the caller):
     * every field reachable from a subscription is read from the update itself.
     */
    @Test
    void nothingASubscriptionShowsHasAResolverOfItsOwn() {
        GraphQLSchema schema = graphQL.graphQL().getGraphQLSchema();
        Deque<GraphQLObjectType> types = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        List<String> resolved = new ArrayList<>();
        schema.getSubscriptionType().getFieldDefinitions().forEach(field -> push(field, types, seen));
        while (!types.isEmpty()) {
            GraphQLObjectType type = types.pop();
            for (GraphQLFieldDefinition field : type.getFieldDefinitions()) {
                if (schema.getCodeRegistry().hasDataFetcher(FieldCoordinates.coordinates(type, field))) {
                    resolved.add(type.getName() + "." + field.getName());
                }
                push(field, types, seen);
            }
        }
        assertThat(seen).contains("OrderStatusUpdate", "Saga", "SagaStep", "SagaTimelineEntry");
        assertThat(schema.getCodeRegistry().hasDataFetcher(FieldCoordinates.coordinates("Order", "saga")))
            .as("the check sees a field's own resolver (Order.saga has one)").isTrue();
        assertThat(resolved).as("fields under a subscription with a resolver of their own: SubscriptionPayloads would share "
            + "what they show between subscribers").isEmpty();
    }

    private static void push(GraphQLFieldDefinition field, Deque<GraphQLObjectType> types, Set<String> seen) {
        GraphQLNamedType type = (GraphQLNamedType) GraphQLTypeUtil.unwrapAll(field.getType());
        if (type instanceof GraphQLObjectType object && seen.add(object.getName())) {
            types.push(object);
        }
    }
}
