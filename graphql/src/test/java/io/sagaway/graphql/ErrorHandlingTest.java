package io.sagaway.graphql;

import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.GraphQLError;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import graphql.schema.idl.SchemaParser;
import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/** What a client sees of failures: a contract code, and nothing of the server's insides. */
class ErrorHandlingTest {

    private static final GraphQL API = GraphQL.newGraphQL(new SchemaGenerator().makeExecutableSchema(
            new SchemaParser().parse("type Query { bug: String  down: String  refused: String  slow: String }"),
            RuntimeWiring.newRuntimeWiring().type("Query", t -> t
                .dataFetcher("bug", env -> {
                    throw new IllegalStateException("SELECT * FROM payments WHERE secret = 42 at io.sagaway.Internal");
                })
                .dataFetcher("down", env -> CompletableFuture.failedFuture(new IOException("Connection refused: 127.0.0.1:5432")))
                .dataFetcher("refused", env -> CompletableFuture.failedFuture(
                    new CommandFailure(ErrorCode.BAD_USER_INPUT, "quantity must be from 1 to 10000", "items[0].quantity")))
                .dataFetcher("slow", env -> "fine"))
                .build()))
        .defaultDataFetcherExceptionHandler(new ErrorHandling.Resolvers())
        .instrumentation(new ChainedInstrumentation(List.of(new ErrorHandling.Codes())))
        .build();

    private static GraphQLError only(String query) {
        ExecutionResult result = API.execute(query);
        assertThat(result.getErrors()).hasSize(1);
        return result.getErrors().get(0);
    }

    @Test
    void anUnexpectedFailureIsInternalAndShowsNothingOfIt() {
        GraphQLError error = only("{ bug }");
        assertThat(error.getExtensions()).containsEntry("code", "INTERNAL");
        assertThat(error.getMessage()).isEqualTo("internal error");
        assertThat(error.toSpecification().toString()).doesNotContain("SELECT").doesNotContain("io.sagaway").doesNotContain("Exception");
    }

    @Test
    void aServiceThatCannotBeReachedIsUnavailable() {
        GraphQLError error = only("{ down }");
        assertThat(error.getExtensions()).containsEntry("code", "UNAVAILABLE");
        assertThat(error.getMessage()).doesNotContain("5432");
    }

    @Test
    void aRefusalKeepsItsCodeMessageAndField() {
        GraphQLError error = only("{ refused }");
        assertThat(error.getExtensions()).containsEntry("code", "BAD_USER_INPUT").containsEntry("field", "items[0].quantity");
        assertThat(error.getMessage()).isEqualTo("quantity must be from 1 to 10000");
    }

    @Test
    void syntaxAndValidationErrorsAreBadUserInput() {
        assertThat(only("{ slow ").getExtensions()).containsEntry("code", "BAD_USER_INPUT");
        assertThat(only("{ nope }").getExtensions()).containsEntry("code", "BAD_USER_INPUT");
    }
}
