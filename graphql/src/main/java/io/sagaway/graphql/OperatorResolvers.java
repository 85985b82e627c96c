package io.sagaway.graphql;

import graphql.schema.DataFetchingEnvironment;
import io.sagaway.messaging.Addresses;
import io.sagaway.messaging.JsonCodec;
import io.sagaway.order.domain.OrderInputRules;
import io.sagaway.readmodel.ReadModelQueries;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.sagaway.graphql.Resolvers.ask;
import static io.sagaway.graphql.Resolvers.caller;
import static io.sagaway.graphql.Resolvers.id;
import static io.sagaway.graphql.Resolvers.require;

/** Stock and accounts, dead letters, the dashboard's figures and the read-model rebuild. */
final class OperatorResolvers {

    private final PlatformApi api;

    OperatorResolvers(PlatformApi api) {
        this.api = api;
    }

    Future<Object> stock(DataFetchingEnvironment env) {
        caller(env);
        return ask(api, Addresses.INVENTORY_COMMANDS, new JsonObject().put("action", "GetStock").put("sku", id(env, "sku")))
            .map(json -> json == null ? null : json.getMap());
    }

    Future<Object> account(DataFetchingEnvironment env) {
        String customerId = id(env, "customerId");
        caller(env).requireActingFor(customerId);
        return ask(api, Addresses.PAYMENT_COMMANDS, new JsonObject().put("action", "GetAccount").put("customerId", customerId))
            .map(json -> json == null ? null : json.getMap());
    }

    Future<Object> adjustStock(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        String sku = id(env, "sku");
        int delta = env.getArgument("delta");
        require(OrderInputRules.stockDelta("delta", delta));
        return ask(api, Addresses.INVENTORY_COMMANDS, new JsonObject().put("action", "AdjustStock").put("sku", sku).put("delta", delta))
            .map(JsonObject::getMap);
    }

    Future<Object> creditAccount(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        String customerId = id(env, "customerId");
        BigDecimal amount = env.getArgument("amount");
        require(OrderInputRules.positiveAmount("amount", amount, OrderInputRules.MAX_CREDIT));
        return ask(api, Addresses.PAYMENT_COMMANDS, new JsonObject().put("action", "CreditAccount").put("customerId", customerId)
            .put("amount", amount.toPlainString())).map(JsonObject::getMap);
    }

    Future<Object> deadLetters(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        int first = env.getArgumentOrDefault("first", 20);
        int skip = Paging.offsetOf(env.getArgument("after"));
        return ask(api, Addresses.DEAD_LETTER_COMMANDS, new JsonObject().put("action", "List").put("first", first).put("skip", skip))
            .map(page -> {
                List<Map<String, Object>> letters = page.getJsonArray("items").stream()
                    .map(item -> deadLetter((JsonObject) item)).toList();
                long total = page.getLong("totalCount");
                return Paging.connection(letters, Paging.offsetCursors(skip, letters.size()), skip + letters.size() < total, total);
            });
    }

    Future<Object> redriveDeadLetter(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        return ask(api, Addresses.DEAD_LETTER_COMMANDS, new JsonObject().put("action", "Redrive").put("id", id(env, "id")))
            .map(OperatorResolvers::deadLetter);
    }

    private static Map<String, Object> deadLetter(JsonObject d) {
        Map<String, Object> letter = new HashMap<>();
        letter.put("id", d.getString("id"));
        letter.put("topic", d.getString("topic"));
        letter.put("key", d.getString("key"));
        Object payload;
        try {
            payload = JsonCodec.plain(new JsonObject(d.getString("value")));
        } catch (RuntimeException e) {
            payload = d.getString("value");
        }
        letter.put("payload", payload);
        letter.put("error", d.getString("error"));
        letter.put("attempts", d.getInteger("attempts"));
        letter.put("firstFailedAt", d.getString("firstFailedAt"));
        letter.put("redrivenAt", d.getString("redrivenAt"));
        letter.put("consumer", d.getString("consumer"));
        return letter;
    }

    Future<Object> platformStats(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        return Future.all(api.readModel().stats(),
                ask(api, Addresses.DEAD_LETTER_COMMANDS, new JsonObject().put("action", "List").put("first", 0)))
            .map(all -> {
                ReadModelQueries.Stats stats = all.resultAt(0);
                JsonObject letters = all.resultAt(1);
                long lag = api.projections().lag().last();
                return Map.of(
                    "ordersByStatus", counts(stats.ordersByStatus()),
                    "sagasByStatus", counts(stats.sagasByStatus()),
                    "projectionLagMs", (double) Math.max(0, lag),
                    "deadLetterCount", letters.getLong("totalCount").intValue());
            });
    }

    Future<Object> ordersPerMinute(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        int minutes = env.getArgument("minutes");
        return api.readModel().ordersPerMinute(minutes, Instant.now())
            .map(series -> series.stream()
                .map(point -> Map.<String, Object>of("minute", point.minute(), "count", (int) point.count())).toList());
    }

    private static List<Map<String, Object>> counts(Map<String, Long> byStatus) {
        return byStatus.entrySet().stream().map(e -> Map.<String, Object>of("status", e.getKey(), "count", e.getValue().intValue())).toList();
    }

    Future<Object> readModelRebuild(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        return ask(api, Addresses.READ_MODEL_COMMANDS, new JsonObject().put("action", "RebuildStatus"))
            .map(status -> status.getJsonArray("parts").isEmpty() ? null : rebuild(status));
    }

    Future<Object> rebuildReadModel(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        return ask(api, Addresses.READ_MODEL_COMMANDS, new JsonObject().put("action", "Rebuild")).map(OperatorResolvers::rebuild);
    }

    private static Map<String, Object> rebuild(JsonObject status) {
        Map<String, Object> view = new HashMap<>();
        view.put("running", status.getBoolean("running"));
        view.put("done", status.getLong("done").intValue());
        view.put("total", status.getLong("total").intValue());
        view.put("ratePerSecond", status.getDouble("ratePerSecond"));
        view.put("etaSeconds", status.getDouble("etaSeconds"));
        view.put("failure", status.getString("failed"));
        JsonArray parts = status.getJsonArray("parts");
        view.put("indices", parts.stream().map(p -> ((JsonObject) p).getString("targetIndex")).toList());
        return view;
    }
}
