package io.sagaway.graphql;

import graphql.ExecutionResult;
import graphql.GraphQL;
import graphql.execution.instrumentation.ChainedInstrumentation;
import graphql.schema.GraphQLSchema;
import graphql.schema.idl.RuntimeWiring;
import graphql.schema.idl.SchemaGenerator;
import io.sagaway.graphql.subscriptions.SubscriptionRequest;
import io.vertx.core.json.Json;
import org.dataloader.DataLoaderFactory;
import org.dataloader.DataLoaderRegistry;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The served GraphQL API: {@link ServedSchema} with the platform's resolvers, scalars, coded
 * errors, and depth and complexity limits ({@link QueryLimits}, refused with BAD_USER_INPUT
 * before execution).
 */
public final class SagawayGraphQL {

    /** @param maxDepth deepest allowed selection; @param maxComplexity most fields allowed in one operation */
    public record Limits(int maxDepth, int maxComplexity) {
        public static final Limits DEFAULT = new Limits(12, 500);
    }

    /** Distinct operation texts kept parsed and validated. */
    static final int DOCUMENT_CACHE_SIZE = 1000;

    private final Resolvers resolvers;
    private final GraphQL graphQL;

    public SagawayGraphQL(PlatformApi api, Limits limits) {
        this.resolvers = new Resolvers(api);
        RuntimeWiring.Builder wiring = RuntimeWiring.newRuntimeWiring();
        Scalars.ALL.forEach(wiring::scalar);
        GraphQLSchema schema = new SchemaGenerator().makeExecutableSchema(ServedSchema.registry(), resolvers.wire(wiring).build());
        this.graphQL = GraphQL.newGraphQL(schema)
            .defaultDataFetcherExceptionHandler(new ErrorHandling.Resolvers())
            .preparsedDocumentProvider(new DocumentCache(DOCUMENT_CACHE_SIZE))
            .instrumentation(new ChainedInstrumentation(List.of(
                new ErrorHandling.Codes(),
                new QueryLimits(limits))))
            .build();
    }

    public GraphQL graphQL() {
        return graphQL;
    }

    /** A fresh registry per operation, so batching (Order.saga) spans one response only. */
    public DataLoaderRegistry dataLoaders() {
        DataLoaderRegistry registry = new DataLoaderRegistry();
        registry.register(Resolvers.SAGA_LOADER, DataLoaderFactory.<String, Object>newMappedDataLoader(keys ->
            resolvers.sagasForOrders(List.copyOf(keys)).map(m -> (Map<String, Object>) m).toCompletionStage().toCompletableFuture()));
        return registry;
    }

    /**
     * The payload of a {@code next} message of subscription {@code request} for {@code update}: its
     * selection executed over that one update, as JSON, exactly as graphql-java executes each event
     * of a subscription (errors included). The subscription's resolver is not asked for a stream
     * and checks nothing: the subscription was accepted when it was opened, and what an update
     * shows does not depend on who follows it.
     */
    @SuppressWarnings("unchecked")
    public CompletableFuture<String> renderUpdate(SubscriptionRequest request, Object update) {
        return graphQL.executeAsync(request.input().graphQLContext(Map.of(Resolvers.RENDERED_UPDATE, update)).build())
            .thenCompose(result -> result.getData() instanceof Publisher<?> events
                ? firstOf((Publisher<ExecutionResult>) events)
                : CompletableFuture.completedFuture(result))
            .thenApply(result -> Json.encode(result.toSpecification()));
    }

    private static CompletableFuture<ExecutionResult> firstOf(Publisher<ExecutionResult> events) {
        CompletableFuture<ExecutionResult> first = new CompletableFuture<>();
        events.subscribe(new Subscriber<>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                subscription.request(1);
            }

            @Override
            public void onNext(ExecutionResult result) {
                first.complete(result);
            }

            @Override
            public void onError(Throwable failure) {
                first.completeExceptionally(failure);
            }

            @Override
            public void onComplete() {
                first.completeExceptionally(new IllegalStateException("the subscription rendered no update"));
            }
        });
        return first;
    }

    /** The key under which a subscription's source stream is handed back (an AtomicReference in the GraphQL context). */
    public static String subscriptionSourceKey() {
        return Resolvers.SUBSCRIPTION_SOURCE;
    }

    /** The key under which a connection's congestion check (a BooleanSupplier) is put in the GraphQL context. */
    public static String connectionCongestedKey() {
        return Resolvers.CONNECTION_CONGESTED;
    }

    /** The key under which a connection's set of subscription streams is put in the GraphQL context. */
    public static String connectionStreamsKey() {
        return Resolvers.CONNECTION_STREAMS;
    }

    /** The key under which a request's {@link Caller} is put in the GraphQL context. */
    public static String callerKey() {
        return Resolvers.CALLER;
    }

    static CompletableFuture<Void> done() {
        return CompletableFuture.completedFuture(null);
    }
}
