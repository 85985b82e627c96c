package io.sagaway.graphql;

import graphql.schema.DataFetchingEnvironment;
import io.sagaway.messaging.Addresses;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.sagaway.graphql.Resolvers.ask;
import static io.sagaway.graphql.Resolvers.caller;
import static io.sagaway.graphql.Resolvers.id;

/** Sagas: from the read model, or the write side where an answer must agree with it; and the operator's retry. */
final class SagaResolvers {

    private final PlatformApi api;

    SagaResolvers(PlatformApi api) {
        this.api = api;
    }

    Future<Object> saga(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        return api.readModel().saga(id(env, "id")).map(doc -> ownSaga(caller, doc));
    }

    Future<Object> sagaForOrder(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        return api.readModel().sagaForOrder(id(env, "orderId")).map(doc -> ownSaga(caller, doc));
    }

    private static Object ownSaga(Caller caller, Optional<JsonObject> doc) {
        return doc.map(d -> {
            caller.requireActingFor(d.getString("customerId"));
            return (Object) Views.saga(d);
        }).orElse(null);
    }

    Future<Object> sagas(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        Inputs.SagaFilter filter = Inputs.SagaFilter.of(env.getArgument("filter"));
        return api.readModel().sagas(filter.query(env.getArgumentOrDefault("first", 20), env.getArgument("after")))
            .map(page -> Paging.connection(page, Views::saga));
    }

    Future<Object> retrySaga(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        String id = id(env, "id");
        return ask(api, Addresses.SAGA_COMMANDS, new JsonObject().put("sagaId", id))
            .compose(v -> fromWriteSide(id));
    }

    /** A saga as the orchestrator stores it, or null when there is none. */
    Future<Object> fromWriteSide(String sagaId) {
        return api.sagas().stored(api.pool(), sagaId).map(saga -> saga.map(s -> (Object) Views.storedSaga(s)).orElse(null));
    }

    /** Order.saga batched: one multi-get for every order of a response. */
    Future<Map<String, Object>> sagasForOrders(List<String> orderIds) {
        return api.readModel().sagasForOrders(orderIds).map(found -> {
            Map<String, Object> byOrder = new HashMap<>();
            found.forEach((orderId, doc) -> byOrder.put(orderId, Views.saga(doc)));
            return byOrder;
        });
    }
}
