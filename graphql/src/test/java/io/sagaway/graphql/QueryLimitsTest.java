package io.sagaway.graphql;

import graphql.ExecutionInput;
import graphql.ExecutionResult;
import graphql.GraphQLError;
import graphql.introspection.IntrospectionQuery;
import graphql.introspection.IntrospectionQueryBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The depth and complexity limits let the standard introspection queries through and nothing made up deeper or wider. */
class QueryLimitsTest {

    private final SagawayGraphQL graphQL = new SagawayGraphQL(null, SagawayGraphQL.Limits.DEFAULT);

    private ExecutionResult run(String query) {
        return graphQL.graphQL().execute(ExecutionInput.newExecutionInput(query).dataLoaderRegistry(graphQL.dataLoaders()).build());
    }

    @Test
    void theStandardIntrospectionQueryWithEveryOptionPasses() {
        String everyOption = IntrospectionQueryBuilder.build(IntrospectionQueryBuilder.Options.defaultOptions()
            .descriptions(true).specifiedByUrl(true).isOneOf(true).directiveIsRepeatable(true).schemaDescription(true)
            .inputValueDeprecation(true));
        for (String query : new String[] {everyOption, IntrospectionQuery.INTROSPECTION_QUERY}) {
            ExecutionResult result = run(query);
            assertThat(result.getErrors()).as("errors of the introspection query").isEmpty();
            assertThat(result.<Map<String, Object>>getData().toString()).contains("placeOrder");
        }
    }

    @Test
    void aMadeUpDeepOfTypeChainIsRefused() {
        String chain = "kind name ofType { ".repeat(60) + "name" + " }".repeat(60);
        ExecutionResult result = run("{ __type(name: \"Order\") { fields { type { " + chain + " } } } }");
        assertThat(result.getErrors()).singleElement().satisfies(e -> refused(e, "introspection depth"));
        assertThat(result.<Object>getData()).isNull();
    }

    @Test
    void aMadeUpWideIntrospectionIsRefused() {
        StringBuilder query = new StringBuilder("{");
        for (int i = 0; i < 300; i++) {
            query.append(" a").append(i).append(": __schema { types { name } }");
        }
        ExecutionResult result = run(query.append(" }").toString());
        assertThat(result.getErrors()).singleElement().satisfies(e -> refused(e, "introspection complexity"));
    }

    @Test
    void theApiKeepsItsOwnLimits() {
        StringBuilder wide = new StringBuilder("{");
        for (int i = 0; i < 251; i++) {
            wide.append(" o").append(i).append(": order(id: \"x\") { id }");
        }
        assertThat(run(wide.append(" }").toString()).getErrors()).singleElement().satisfies(e -> refused(e, "query complexity"));
        String deep = "{ orders { edges { node { saga { steps { name } timeline { type } } items { sku } } } } }";
        assertThat(new SagawayGraphQL(null, new SagawayGraphQL.Limits(5, 500)).graphQL()
            .execute(ExecutionInput.newExecutionInput(deep).dataLoaderRegistry(graphQL.dataLoaders()).build()).getErrors())
            .singleElement().satisfies(e -> refused(e, "query depth"));
    }

    private static void refused(GraphQLError error, String limit) {
        assertThat(error.getMessage()).contains("maximum " + limit + " exceeded");
        assertThat(error.getExtensions()).containsEntry("code", "BAD_USER_INPUT");
    }
}
