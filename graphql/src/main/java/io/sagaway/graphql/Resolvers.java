package io.sagaway.graphql;

import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.order.command.CommandErrors;
import io.sagaway.order.domain.OrderInputRules;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Wires the data fetchers of every query, mutation and subscription, by area: orders, sagas,
 * operator actions and subscriptions. Queries read Elasticsearch (EVENTUAL) or the write side
 * (STRONG, events, point in time); mutations go down the write path over the event bus. Each
 * fetcher checks access: a customer reaches only their own orders, sagas and account;
 * operators-only operations refuse everyone else.
 */
final class Resolvers {

    static final String CALLER = "caller";
    /** Where a connection's subscriptions are kept, so they end with it (a set of publishers in the GraphQL context). */
    static final String CONNECTION_STREAMS = "connectionStreams";
    /** Whether a connection cannot take more right now (a BooleanSupplier in the GraphQL context). */
    static final String CONNECTION_CONGESTED = "connectionCongested";
    /**
     * Where a subscription's source stream is handed back to the connection (an
     * AtomicReference in the GraphQL context), which reads it directly and renders each update once
     * for all subscribers that sent the same subscription.
     */
    static final String SUBSCRIPTION_SOURCE = "subscriptionSource";
    /** The update a subscription's selection is rendered over (see {@link SagawayGraphQL#renderUpdate}); no stream is opened. */
    static final String RENDERED_UPDATE = "renderedUpdate";
    static final String SAGA_LOADER = "sagaByOrder";

    private final OrderResolvers orders;
    private final SagaResolvers sagas;
    private final OperatorResolvers operator;
    private final SubscriptionResolvers subscriptions;

    Resolvers(PlatformApi api) {
        this.sagas = new SagaResolvers(api);
        this.orders = new OrderResolvers(api, sagas);
        this.operator = new OperatorResolvers(api);
        this.subscriptions = new SubscriptionResolvers(api);
    }

    RuntimeWiring.Builder wire(RuntimeWiring.Builder wiring) {
        return wiring
            .type("Query", t -> t
                .dataFetcher("order", fetch(orders::order))
                .dataFetcher("orders", fetch(orders::orders))
                .dataFetcher("orderEvents", fetch(orders::orderEvents))
                .dataFetcher("orderAtVersion", fetch(orders::orderAtVersion))
                .dataFetcher("orderLineage", fetch(orders::orderLineage))
                .dataFetcher("saga", fetch(sagas::saga))
                .dataFetcher("sagaForOrder", fetch(sagas::sagaForOrder))
                .dataFetcher("sagas", fetch(sagas::sagas))
                .dataFetcher("stuckSagas", fetch(sagas::stuckSagas))
                .dataFetcher("stock", fetch(operator::stock))
                .dataFetcher("account", fetch(operator::account))
                .dataFetcher("deadLetters", fetch(operator::deadLetters))
                .dataFetcher("platformStats", fetch(operator::platformStats))
                .dataFetcher("readModelRebuild", fetch(operator::readModelRebuild)))
            .type("Mutation", t -> t
                .dataFetcher("placeOrder", fetch(orders::placeOrder))
                .dataFetcher("cancelOrder", fetch(orders::cancelOrder))
                .dataFetcher("adjustStock", fetch(operator::adjustStock))
                .dataFetcher("creditAccount", fetch(operator::creditAccount))
                .dataFetcher("retrySaga", fetch(sagas::retrySaga))
                .dataFetcher("redriveDeadLetter", fetch(operator::redriveDeadLetter))
                .dataFetcher("rebuildReadModel", fetch(operator::rebuildReadModel)))
            .type("Subscription", t -> t
                .dataFetcher("orderStatusChanged", fetch(subscriptions::orderStatusChanged))
                .dataFetcher("sagaUpdated", fetch(subscriptions::sagaUpdated)))
            .type("Order", t -> t.dataFetcher("saga", orders::orderSaga))
            .type("PlatformStats", t -> t.dataFetcher("ordersPerMinute", fetch(operator::ordersPerMinute)));
    }

    /** The batch function of {@link #SAGA_LOADER}. */
    Future<Map<String, Object>> sagasForOrders(List<String> orderIds) {
        return sagas.sagasForOrders(orderIds);
    }

    /** Adapts a resolver returning a Vert.x future; a failure thrown before it is a failed future too. */
    static DataFetcher<CompletableFuture<Object>> fetch(Function<DataFetchingEnvironment, Future<?>> resolver) {
        return env -> {
            Future<?> result;
            try {
                result = resolver.apply(env);
            } catch (RuntimeException e) {
                result = Future.failedFuture(e);
            }
            return result.map(v -> (Object) v).toCompletionStage().toCompletableFuture();
        };
    }

    /**
     * The caller of the request. A token that is neither an operator's nor a customer's with a
     * customer id grants nothing: it is refused here, before any fetcher could read with no
     * customer filter.
     */
    static Caller caller(DataFetchingEnvironment env) {
        Caller caller = env.getGraphQlContext().get(CALLER);
        if (caller == null) {
            throw new CommandFailure(ErrorCode.UNAUTHENTICATED, "a bearer token is required");
        }
        if (!caller.isOperator() && !caller.isCustomer()) {
            throw new CommandFailure(ErrorCode.FORBIDDEN,
                "this token grants no access: it carries neither the operator role nor the customer role with a customerId");
        }
        return caller;
    }

    /** Refuses a violated input rule with BAD_USER_INPUT and its field. */
    static void require(Optional<OrderInputRules.Violation> violation) {
        violation.ifPresent(v -> {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT, v.message(), v.field());
        });
    }

    /** An id argument, checked against the contract's id rule. */
    static String id(DataFetchingEnvironment env, String argument) {
        String value = env.getArgument(argument);
        require(OrderInputRules.optionalId(argument, value));
        return value;
    }

    static Future<JsonObject> ask(PlatformApi api, String address, JsonObject message) {
        return api.bus().<JsonObject>request(address, message)
            .map(reply -> reply.body())
            .recover(e -> Future.failedFuture(CommandErrors.fromReply(e)));
    }
}
