package io.sagaway.graphql;

import graphql.ErrorClassification;
import graphql.ErrorType;
import graphql.ExecutionResult;
import graphql.ExecutionResultImpl;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherExceptionHandler;
import graphql.execution.DataFetcherExceptionHandlerParameters;
import graphql.execution.DataFetcherExceptionHandlerResult;
import graphql.execution.instrumentation.InstrumentationState;
import graphql.execution.instrumentation.SimplePerformantInstrumentation;
import graphql.execution.instrumentation.parameters.InstrumentationExecutionParameters;
import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.order.command.CommandErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Every error a client sees carries {@code extensions.code} from the contract (and
 * {@code extensions.field} for input errors); nothing else of a failure leaves the server: no
 * stack trace, no SQL, no class names.
 */
final class ErrorHandling {

    private static final Logger LOG = LoggerFactory.getLogger(ErrorHandling.class);

    private ErrorHandling() {
    }

    /** Turns a resolver's failure into a coded error. */
    static final class Resolvers implements DataFetcherExceptionHandler {
        @Override
        public CompletableFuture<DataFetcherExceptionHandlerResult> handleException(DataFetcherExceptionHandlerParameters parameters) {
            Throwable failure = unwrap(parameters.getException());
            CommandFailure coded = CommandErrors.toFailure(failure);
            if (coded.code() == ErrorCode.INTERNAL || coded.code() == ErrorCode.UNAVAILABLE) {
                LOG.warn("{} at {}: {}", coded.code(), parameters.getPath(), failure.toString(), failure);
            }
            Map<String, Object> extensions = new HashMap<>();
            extensions.put("code", coded.code().name());
            if (coded.field() != null) {
                extensions.put("field", coded.field());
            }
            GraphQLError error = GraphqlErrorBuilder.newError(parameters.getDataFetchingEnvironment())
                .message(coded.getMessage())
                .errorType(classification(coded.code()))
                .extensions(extensions)
                .build();
            return CompletableFuture.completedFuture(DataFetcherExceptionHandlerResult.newResult(error).build());
        }
    }

    /** Gives the errors graphql-java makes itself (syntax, validation, bad variables) the code BAD_USER_INPUT. */
    static final class Codes extends SimplePerformantInstrumentation {
        @Override
        public CompletableFuture<ExecutionResult> instrumentExecutionResult(ExecutionResult result,
                                                                           InstrumentationExecutionParameters parameters,
                                                                           InstrumentationState state) {
            if (result.getErrors().isEmpty()) {
                return CompletableFuture.completedFuture(result);
            }
            List<GraphQLError> coded = result.getErrors().stream().map(ErrorHandling::withCode).toList();
            return CompletableFuture.completedFuture(ExecutionResultImpl.newExecutionResult().from(result).errors(coded).build());
        }
    }

    static GraphQLError withCode(GraphQLError error) {
        if (error.getExtensions() != null && error.getExtensions().containsKey("code")) {
            return error;
        }
        ErrorClassification type = error.getErrorType();
        // Syntax, validation and variable-coercion errors are the client's; an uncoded data-fetching error is ours.
        String code = type == ErrorType.DataFetchingException ? ErrorCode.INTERNAL.name() : ErrorCode.BAD_USER_INPUT.name();
        Map<String, Object> extensions = new HashMap<>(error.getExtensions() == null ? Map.of() : error.getExtensions());
        extensions.put("code", code);
        return GraphqlErrorBuilder.newError().message(error.getMessage()).locations(error.getLocations()).path(error.getPath())
            .errorType(classification(ErrorCode.valueOf(code))).extensions(extensions).build();
    }

    /** graphql-java writes an error's classification beside our code; make it the same word. */
    private static ErrorClassification classification(ErrorCode code) {
        return ErrorClassification.errorClassification(code.name());
    }

    static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static CommandFailure failure(ErrorCode code, String message) {
        return new CommandFailure(code, message);
    }
}
