package io.sagaway.graphql;

import graphql.schema.DataFetchingEnvironment;
import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.graphql.subscriptions.BoundedPublisher;
import io.sagaway.graphql.subscriptions.OneUpdate;
import io.vertx.core.Future;

import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import static io.sagaway.graphql.Resolvers.caller;
import static io.sagaway.graphql.Resolvers.id;

/**
 * Subscriptions, over WebSocket only: each stream is tied to its connection, which ends it. Over
 * HTTP nothing could ever end one, so there they are refused before anything is registered.
 * Rendering an update (the GraphQL context holds {@link Resolvers#RENDERED_UPDATE}) opens no
 * stream and checks nothing: it only executes the selection of a subscription already accepted.
 */
final class SubscriptionResolvers {

    private final PlatformApi api;

    SubscriptionResolvers(PlatformApi api) {
        this.api = api;
    }

    /**
     * One order's status changes, or all of a customer's. A customer may follow only their own
     * (an order id of another customer is FORBIDDEN); operators may follow anything, or everything.
     */
    Future<Object> orderStatusChanged(DataFetchingEnvironment env) {
        return renderedOr(env, this::followOrderStatusChanged);
    }

    private Future<Object> followOrderStatusChanged(DataFetchingEnvironment env) {
        Set<BoundedPublisher<?>> streams = connectionStreams(env);
        Caller caller = caller(env);
        String orderId = id(env, "orderId");
        String requested = id(env, "customerId");
        if (requested != null) {
            caller.requireActingFor(requested);
        }
        String customer = !caller.isOperator() && requested == null && orderId == null ? caller.customerId() : requested;
        Future<Void> allowed = orderId == null || caller.isOperator() ? Future.succeededFuture()
            : api.orders().load(orderId).compose(order -> order.exists() && !caller.mayActFor(order.view().customerId())
                ? Future.failedFuture(new CommandFailure(ErrorCode.FORBIDDEN, "this belongs to another customer"))
                : Future.succeededFuture());
        return allowed.map(v -> tied(env, streams, api.updates().orders(update ->
            (orderId == null || orderId.equals(update.orderId())) && (customer == null || customer.equals(update.customerId()))
                && caller.mayActFor(update.customerId()))));
    }

    Future<Object> sagaUpdated(DataFetchingEnvironment env) {
        return renderedOr(env, this::followSagaUpdated);
    }

    private Future<Object> followSagaUpdated(DataFetchingEnvironment env) {
        Set<BoundedPublisher<?>> streams = connectionStreams(env);
        caller(env).requireOperator();
        String sagaId = id(env, "sagaId");
        return Future.succeededFuture(tied(env, streams, api.updates().sagas(saga -> sagaId == null || sagaId.equals(saga.getString("id")))));
    }

    /** The one update being rendered (see SagawayGraphQL.renderUpdate), else the subscription's stream opened by {@code open}. */
    private static Future<Object> renderedOr(DataFetchingEnvironment env, Function<DataFetchingEnvironment, Future<Object>> open) {
        Object rendered = env.getGraphQlContext().get(Resolvers.RENDERED_UPDATE);
        return rendered != null ? Future.succeededFuture(new OneUpdate<>(rendered)) : open.apply(env);
    }

    /** The connection's set of streams; there is none over HTTP. */
    private static Set<BoundedPublisher<?>> connectionStreams(DataFetchingEnvironment env) {
        Set<BoundedPublisher<?>> streams = env.getGraphQlContext().get(Resolvers.CONNECTION_STREAMS);
        if (streams == null) {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT,
                "subscriptions are served over WebSocket (GET /graphql, subprotocol graphql-transport-ws), not over HTTP POST or GET");
        }
        return streams;
    }

    /** Ties a subscription's stream to its connection, which closes it when it ends. */
    private static <T> BoundedPublisher<T> tied(DataFetchingEnvironment env, Set<BoundedPublisher<?>> streams, BoundedPublisher<T> publisher) {
        streams.add(publisher);
        BooleanSupplier congested = env.getGraphQlContext().get(Resolvers.CONNECTION_CONGESTED);
        if (congested != null) {
            publisher.gate(congested);
        }
        AtomicReference<BoundedPublisher<?>> source = env.getGraphQlContext().get(Resolvers.SUBSCRIPTION_SOURCE);
        if (source != null) {
            source.set(publisher);
        }
        return publisher;
    }
}
