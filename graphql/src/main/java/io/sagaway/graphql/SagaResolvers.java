package io.sagaway.graphql;

import graphql.schema.DataFetchingEnvironment;
import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.messaging.Addresses;
import io.sagaway.saga.stuck.StuckReason;
import io.sagaway.saga.stuck.StuckSaga;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
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

    Future<Object> stuckSagas(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        int stalledFor = env.getArgumentOrDefault("stalledForSeconds", 10);
        int first = env.getArgumentOrDefault("first", 50);
        if (stalledFor < 0 || stalledFor > 86_400) {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT, "stalledForSeconds must be between 0 and 86400", "stalledForSeconds");
        }
        if (first < 1 || first > 500) {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT, "first must be between 1 and 500", "first");
        }
        String reason = env.getArgument("reason");
        return api.stuck().detect(Duration.ofSeconds(stalledFor)).map(stuck -> {
            Map<StuckReason, Integer> counts = new EnumMap<>(StuckReason.class);
            for (StuckReason r : StuckReason.values()) {
                counts.put(r, 0);
            }
            stuck.forEach(s -> counts.merge(s.reason(), 1, Integer::sum));
            List<StuckSaga> asked = stuck.stream().filter(s -> reason == null || s.reason().name().equals(reason)).toList();
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("totalCount", asked.size());
            view.put("byReason", counts.entrySet().stream().map(e -> Map.of("reason", e.getKey().name(), "count", e.getValue())).toList());
            view.put("sagas", asked.stream().limit(first).map(SagaResolvers::stuck).toList());
            return view;
        });
    }

    private static Map<String, Object> stuck(StuckSaga s) {
        Map<String, Object> view = new HashMap<>();
        view.put("sagaId", s.sagaId());
        view.put("orderId", s.orderId());
        view.put("status", s.status().name());
        view.put("step", s.step() == null ? null : s.step().name());
        view.put("reason", s.reason().name());
        view.put("explanation", s.explanation());
        view.put("waitingSince", s.waitingSince());
        view.put("waitingSeconds", (int) Math.min(Integer.MAX_VALUE, s.waitingSeconds()));
        view.put("attempt", s.attempt());
        view.put("error", s.error());
        view.put("until", s.until());
        view.put("usualLatencyMs", s.usualLatencyMs() == null ? null : (int) Math.min(Integer.MAX_VALUE, s.usualLatencyMs()));
        view.put("consumer", s.consumer());
        view.put("topic", s.topic());
        view.put("partition", s.partition());
        view.put("lag", s.lag() == null ? null : (int) Math.min(Integer.MAX_VALUE, s.lag()));
        view.put("deadLetterId", s.deadLetterId());
        view.put("action", s.action().name());
        return view;
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
