package io.sagaway.graphql;

import graphql.schema.DataFetcher;
import graphql.schema.DataFetchingEnvironment;
import graphql.schema.idl.RuntimeWiring;
import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.messaging.Addresses;
import io.sagaway.messaging.JsonCodec;
import io.sagaway.order.command.CommandErrors;
import io.sagaway.order.command.CommandResult;
import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.readmodel.ReadModelQueries;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.dataloader.DataLoader;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * The data fetchers of every query and mutation. Queries read Elasticsearch (EVENTUAL) or the
 * event store (STRONG, events, point in time); mutations go down the write path over the event
 * bus. Each fetcher checks access: a customer reaches only their own orders, sagas and account;
 * operators-only operations refuse everyone else.
 */
final class Resolvers {

    static final String CALLER = "caller";
    /** Where a connection's subscriptions are kept, so they end with it (a set of publishers in the GraphQL context). */
    static final String CONNECTION_STREAMS = "connectionStreams";
    /** Whether a connection cannot take more right now (a BooleanSupplier in the GraphQL context). */
    static final String CONNECTION_CONGESTED = "connectionCongested";
    static final String SAGA_LOADER = "sagaByOrder";

    private final PlatformApi api;

    Resolvers(PlatformApi api) {
        this.api = api;
    }

    RuntimeWiring.Builder wire(RuntimeWiring.Builder wiring) {
        return wiring
            .type("Query", t -> t
                .dataFetcher("order", fetch(this::order))
                .dataFetcher("orders", fetch(this::orders))
                .dataFetcher("orderEvents", fetch(this::orderEvents))
                .dataFetcher("orderAtVersion", fetch(this::orderAtVersion))
                .dataFetcher("saga", fetch(this::saga))
                .dataFetcher("sagaForOrder", fetch(this::sagaForOrder))
                .dataFetcher("sagas", fetch(this::sagas))
                .dataFetcher("stock", fetch(this::stock))
                .dataFetcher("account", fetch(this::account))
                .dataFetcher("deadLetters", fetch(this::deadLetters))
                .dataFetcher("platformStats", fetch(this::platformStats))
                .dataFetcher("readModelRebuild", fetch(this::readModelRebuild)))
            .type("Mutation", t -> t
                .dataFetcher("placeOrder", fetch(this::placeOrder))
                .dataFetcher("cancelOrder", fetch(this::cancelOrder))
                .dataFetcher("adjustStock", fetch(this::adjustStock))
                .dataFetcher("creditAccount", fetch(this::creditAccount))
                .dataFetcher("retrySaga", fetch(this::retrySaga))
                .dataFetcher("redriveDeadLetter", fetch(this::redriveDeadLetter))
                .dataFetcher("rebuildReadModel", fetch(this::rebuildReadModel)))
            .type("Subscription", t -> t
                .dataFetcher("orderStatusChanged", this::orderStatusChanged)
                .dataFetcher("sagaUpdated", this::sagaUpdated))
            .type("Order", t -> t.dataFetcher("saga", this::orderSaga))
            .type("PlatformStats", t -> t.dataFetcher("ordersPerMinute", fetch(this::ordersPerMinute)));
    }

    /** Adapts a resolver returning a Vert.x future; a failure thrown before it is a failed future too. */
    private static DataFetcher<CompletableFuture<Object>> fetch(Function<DataFetchingEnvironment, Future<?>> resolver) {
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

    private static Caller caller(DataFetchingEnvironment env) {
        Caller caller = env.getGraphQlContext().get(CALLER);
        if (caller == null) {
            throw new CommandFailure(ErrorCode.UNAUTHENTICATED, "a bearer token is required");
        }
        return caller;
    }

    // --- queries ---

    private Future<Object> order(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        String id = env.getArgument("id");
        if ("STRONG".equals(env.getArgument("consistency"))) {
            return api.orders().load(id).map(order -> {
                if (!order.exists()) {
                    return null;
                }
                caller.requireActingFor(order.view().customerId());
                return Views.order(order.view());
            });
        }
        return api.readModel().order(id).map(doc -> doc.map(d -> {
            caller.requireActingFor(d.getString("customerId"));
            return (Object) Views.order(d);
        }).orElse(null));
    }

    private Future<Object> orders(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        Map<String, Object> filter = Optional.ofNullable(env.<Map<String, Object>>getArgument("filter")).orElse(Map.of());
        String customerId = (String) filter.get("customerId");
        if (!caller.isOperator()) {
            if (customerId != null) {
                caller.requireActingFor(customerId);
            }
            customerId = caller.customerId();
        }
        @SuppressWarnings("unchecked")
        List<String> statuses = (List<String>) filter.get("status");
        var query = new ReadModelQueries.OrderQuery(customerId, statuses, (String) filter.get("sku"), (Instant) filter.get("createdAfter"),
            (Instant) filter.get("createdBefore"), (BigDecimal) filter.get("minTotal"), (BigDecimal) filter.get("maxTotal"),
            ReadModelQueries.OrderSort.valueOf(env.getArgumentOrDefault("sort", "CREATED_DESC")), env.getArgumentOrDefault("first", 20),
            env.getArgument("after"));
        return api.readModel().orders(query).map(page -> connection(page, Views::order));
    }

    private Future<Object> orderEvents(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        String id = env.getArgument("id");
        return api.orders().stream(id).map(events -> {
            if (!events.isEmpty()) {
                caller.requireActingFor(events.get(0).data().getString("customerId"));
            }
            List<Map<String, Object>> list = new ArrayList<>();
            events.forEach(e -> {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("version", e.version());
                event.put("type", e.type());
                event.put("data", JsonCodec.plain(e.data()));
                event.put("occurredAt", e.occurredAt());
                list.add(event);
            });
            return list;
        });
    }

    private Future<Object> orderAtVersion(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        int version = env.getArgument("version");
        if (version < 1) {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT, "version starts at 1", "version");
        }
        return api.orders().loadAt(env.getArgument("id"), version).map(view -> view.map(v -> {
            caller.requireActingFor(v.customerId());
            return (Object) Views.order(v);
        }).orElse(null));
    }

    private Future<Object> saga(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        return api.readModel().saga(env.getArgument("id")).map(doc -> ownSaga(caller, doc));
    }

    private Future<Object> sagaForOrder(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        return api.readModel().sagaForOrder(env.getArgument("orderId")).map(doc -> ownSaga(caller, doc));
    }

    private static Object ownSaga(Caller caller, Optional<JsonObject> doc) {
        return doc.map(d -> {
            caller.requireActingFor(d.getString("customerId"));
            return (Object) Views.saga(d);
        }).orElse(null);
    }

    private Future<Object> sagas(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        Map<String, Object> filter = Optional.ofNullable(env.<Map<String, Object>>getArgument("filter")).orElse(Map.of());
        @SuppressWarnings("unchecked")
        List<String> statuses = (List<String>) filter.get("status");
        Integer stalledFor = (Integer) filter.get("stalledForSeconds");
        if (stalledFor != null && stalledFor < 0) {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT, "stalledForSeconds cannot be negative", "filter.stalledForSeconds");
        }
        var query = new ReadModelQueries.SagaQuery(statuses, (String) filter.get("orderId"), (String) filter.get("failedStep"), null,
            stalledFor == null ? null : Instant.now().minusSeconds(stalledFor), env.getArgumentOrDefault("first", 20), env.getArgument("after"));
        return api.readModel().sagas(query).map(page -> connection(page, Views::saga));
    }

    private Future<Object> stock(DataFetchingEnvironment env) {
        caller(env);
        return ask(Addresses.INVENTORY_COMMANDS, new JsonObject().put("action", "GetStock").put("sku", env.getArgument("sku")))
            .map(json -> json == null ? null : json.getMap());
    }

    private Future<Object> account(DataFetchingEnvironment env) {
        String customerId = env.getArgument("customerId");
        caller(env).requireActingFor(customerId);
        return ask(Addresses.PAYMENT_COMMANDS, new JsonObject().put("action", "GetAccount").put("customerId", customerId))
            .map(json -> json == null ? null : json.getMap());
    }

    private Future<Object> deadLetters(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        int first = env.getArgumentOrDefault("first", 20);
        int skip = offsetCursor(env.getArgument("after"));
        return ask(Addresses.DEAD_LETTER_COMMANDS, new JsonObject().put("action", "List").put("first", first).put("skip", skip))
            .map(page -> {
                List<Map<String, Object>> edges = new ArrayList<>();
                JsonArray items = page.getJsonArray("items");
                for (int i = 0; i < items.size(); i++) {
                    edges.add(Map.of("node", deadLetter(items.getJsonObject(i)), "cursor", offsetCursor(skip + i + 1)));
                }
                long total = page.getLong("totalCount");
                Map<String, Object> pageInfo = new HashMap<>();
                pageInfo.put("hasNextPage", skip + items.size() < total);
                pageInfo.put("endCursor", items.isEmpty() ? null : offsetCursor(skip + items.size()));
                return Map.of("edges", edges, "pageInfo", pageInfo, "totalCount", total);
            });
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

    private Future<Object> platformStats(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        return Future.all(api.readModel().stats(),
                ask(Addresses.DEAD_LETTER_COMMANDS, new JsonObject().put("action", "List").put("first", 0)))
            .map(all -> {
                ReadModelQueries.Stats stats = all.resultAt(0);
                JsonObject letters = all.resultAt(1);
                long lag = io.sagaway.readmodel.ProjectionMetrics.get().last();
                return Map.of(
                    "ordersByStatus", counts(stats.ordersByStatus()),
                    "sagasByStatus", counts(stats.sagasByStatus()),
                    "projectionLagMs", (double) Math.max(0, lag),
                    "deadLetterCount", letters.getLong("totalCount").intValue());
            });
    }

    private Future<Object> ordersPerMinute(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        int minutes = env.getArgument("minutes");
        return api.readModel().ordersPerMinute(minutes, Instant.now())
            .map(series -> series.stream()
                .map(point -> Map.<String, Object>of("minute", point.minute(), "count", (int) point.count())).toList());
    }

    private static List<Map<String, Object>> counts(Map<String, Long> byStatus) {
        return byStatus.entrySet().stream().map(e -> Map.<String, Object>of("status", e.getKey(), "count", e.getValue().intValue())).toList();
    }

    private Future<Object> readModelRebuild(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        return ask(Addresses.READ_MODEL_COMMANDS, new JsonObject().put("action", "RebuildStatus"))
            .map(status -> status.getJsonArray("parts").isEmpty() ? null : rebuild(status));
    }

    private static Map<String, Object> rebuild(JsonObject status) {
        Map<String, Object> view = new HashMap<>();
        view.put("running", status.getBoolean("running"));
        view.put("done", status.getLong("done").intValue());
        view.put("total", status.getLong("total").intValue());
        view.put("ratePerSecond", status.getDouble("ratePerSecond"));
        view.put("etaSeconds", status.getDouble("etaSeconds"));
        view.put("failure", status.getString("failed"));
        List<String> indices = new ArrayList<>();
        status.getJsonArray("parts").forEach(p -> indices.add(((JsonObject) p).getString("targetIndex")));
        view.put("indices", indices);
        return view;
    }

    // --- mutations ---

    @SuppressWarnings("unchecked")
    private Future<Object> placeOrder(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        Map<String, Object> input = env.getArgument("input");
        String customerId = (String) input.get("customerId");
        caller.requireActingFor(customerId);
        List<OrderItem> items = ((List<Map<String, Object>>) input.get("items")).stream()
            .map(i -> new OrderItem((String) i.get("sku"), (Integer) i.get("quantity"), (BigDecimal) i.get("unitPrice"))).toList();
        Map<String, Object> a = (Map<String, Object>) input.get("shippingAddress");
        Address address = new Address((String) a.get("line1"), (String) a.get("city"), (String) a.get("postalCode"), (String) a.get("country"));
        String waitFor = (String) input.getOrDefault("waitFor", "ACCEPTED");
        String requestId = UUID.randomUUID().toString();
        return api.commands().placeOrder(new OrderCommand.PlaceOrder(null, customerId, items, address, (String) input.get("currency")),
                (String) input.get("idempotencyKey"), requestId)
            .compose(placed -> switch (waitFor == null ? "ACCEPTED" : waitFor) {
                case "PROJECTED" -> api.projections().awaitOrder(placed.orderId(), placed.version(), api.waitTimeout())
                    .map(doc -> payload(placed, Views.order(doc)));
                // The answer's order and its saga come from the read model: wait for both documents to show the end.
                case "COMPLETED" -> awaitSagaFinished(placed.orderId())
                    .compose(saga -> api.orders().load(placed.orderId()).compose(order -> Future.all(
                            api.projections().awaitOrder(placed.orderId(), order.version(), api.waitTimeout()),
                            api.projections().awaitSaga(placed.orderId(), saga.version(), api.waitTimeout()))
                        .map(both -> payload(new CommandResult(placed.orderId(), order.status(), order.version()),
                            Views.order(both.<JsonObject>resultAt(0))))));
                default -> Future.succeededFuture(payload(placed, null));
            });
    }

    private static Object payload(CommandResult result, Map<String, Object> order) {
        Map<String, Object> payload = new HashMap<>();
        payload.put("orderId", result.orderId());
        payload.put("status", result.status().name());
        payload.put("version", result.version());
        payload.put("order", order);
        return payload;
    }

    /** Polls the saga's durable state until it finished, within the wait timeout. */
    private Future<io.sagaway.saga.domain.SagaState> awaitSagaFinished(String orderId) {
        Promise<io.sagaway.saga.domain.SagaState> done = Promise.promise();
        long deadline = System.currentTimeMillis() + api.waitTimeout().toMillis();
        pollSaga(orderId, deadline, done);
        return done.future();
    }

    private void pollSaga(String orderId, long deadline, Promise<io.sagaway.saga.domain.SagaState> done) {
        api.sagas().getByOrder(api.pool(), orderId).onComplete(found -> {
            if (found.succeeded() && found.result().map(s -> s.status().isFinished()).orElse(false)) {
                done.tryComplete(found.result().get());
            } else if (System.currentTimeMillis() > deadline) {
                done.tryFail(new CommandFailure(ErrorCode.UNAVAILABLE, "the saga of order " + orderId + " did not finish within "
                    + api.waitTimeout().toMillis() + " ms; it goes on, query the order later"));
            } else {
                io.vertx.core.Vertx.currentContext().owner().setTimer(50, id -> pollSaga(orderId, deadline, done));
            }
        });
    }

    private Future<Object> cancelOrder(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        String id = env.getArgument("id");
        return api.orders().load(id).compose(order -> {
            if (!order.exists()) {
                return Future.failedFuture(new CommandFailure(ErrorCode.NOT_FOUND, "order " + id + " does not exist"));
            }
            caller.requireActingFor(order.view().customerId());
            String reason = Optional.ofNullable(env.<String>getArgument("reason")).orElse("cancelled by " + caller.subject());
            return api.commands().execute(id, new OrderCommand.CancelOrder(reason), new MessageMetadata(id, "cancel:" + caller.subject()))
                .compose(result -> api.orders().load(id))
                .map(after -> (Object) Views.order(after.view()));
        });
    }

    private Future<Object> adjustStock(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        return ask(Addresses.INVENTORY_COMMANDS, new JsonObject().put("action", "AdjustStock").put("sku", env.getArgument("sku"))
            .put("delta", env.<Integer>getArgument("delta"))).map(JsonObject::getMap);
    }

    private Future<Object> creditAccount(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        BigDecimal amount = env.getArgument("amount");
        return ask(Addresses.PAYMENT_COMMANDS, new JsonObject().put("action", "CreditAccount")
            .put("customerId", env.getArgument("customerId")).put("amount", amount.toPlainString())).map(JsonObject::getMap);
    }

    private Future<Object> retrySaga(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        String id = env.getArgument("id");
        return ask(Addresses.SAGA_COMMANDS, new JsonObject().put("sagaId", id))
            .compose(v -> api.sagas().getWithTimeline(api.pool(), id))
            .map(saga -> (Object) Views.saga(saga.orElseThrow().saga(), saga.orElseThrow().timeline()));
    }

    private Future<Object> redriveDeadLetter(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        return ask(Addresses.DEAD_LETTER_COMMANDS, new JsonObject().put("action", "Redrive").put("id", env.getArgument("id")))
            .map(Resolvers::deadLetter);
    }

    private Future<Object> rebuildReadModel(DataFetchingEnvironment env) {
        caller(env).requireOperator();
        return ask(Addresses.READ_MODEL_COMMANDS, new JsonObject().put("action", "Rebuild")).map(Resolvers::rebuild);
    }

    // --- subscriptions ---

    /**
     * One order's status changes, or all of a customer's. A customer may follow only their own
     * (an order id of another customer is FORBIDDEN); operators may follow anything, or everything.
     */
    private CompletableFuture<Object> orderStatusChanged(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        String orderId = env.getArgument("orderId");
        String customerId = env.getArgument("customerId");
        if (customerId != null) {
            caller.requireActingFor(customerId);
        }
        if (!caller.isOperator() && customerId == null && orderId == null) {
            customerId = caller.customerId();
        }
        String customer = customerId;
        Future<Void> allowed = orderId == null || caller.isOperator() ? Future.succeededFuture()
            : api.orders().load(orderId).compose(order -> {
                if (order.exists() && !caller.mayActFor(order.view().customerId())) {
                    return Future.failedFuture(new CommandFailure(ErrorCode.FORBIDDEN, "this belongs to another customer"));
                }
                return Future.succeededFuture();
            });
        return allowed.map(v -> (Object) tied(env, api.updates().orders(update ->
                (orderId == null || orderId.equals(update.orderId())) && (customer == null || customer.equals(update.customerId()))
                    && (caller.isOperator() || caller.mayActFor(update.customerId())))))
            .toCompletionStage().toCompletableFuture();
    }

    private CompletableFuture<Object> sagaUpdated(DataFetchingEnvironment env) {
        Caller caller;
        try {
            caller = caller(env);
            caller.requireOperator();
        } catch (CommandFailure e) {
            return CompletableFuture.failedFuture(e);
        }
        String sagaId = env.getArgument("sagaId");
        return CompletableFuture.completedFuture(tied(env, api.updates().sagas(saga -> sagaId == null || sagaId.equals(saga.getString("id")))));
    }

    /** Ties a subscription's stream to its connection, which closes it when it ends. */
    private static <T> io.sagaway.graphql.subscriptions.BoundedPublisher<T> tied(DataFetchingEnvironment env,
                                                                               io.sagaway.graphql.subscriptions.BoundedPublisher<T> publisher) {
        java.util.Set<io.sagaway.graphql.subscriptions.BoundedPublisher<?>> streams = env.getGraphQlContext().get(CONNECTION_STREAMS);
        if (streams != null) {
            streams.add(publisher);
        }
        java.util.function.BooleanSupplier congested = env.getGraphQlContext().get(CONNECTION_CONGESTED);
        if (congested != null) {
            publisher.gate(congested);
        }
        return publisher;
    }

    // --- Order.saga, batched ---

    private CompletableFuture<Object> orderSaga(DataFetchingEnvironment env) {
        Map<String, Object> order = env.getSource();
        DataLoader<String, Object> loader = env.getDataLoader(SAGA_LOADER);
        return loader.load((String) order.get("id"));
    }

    /** The batch function of {@link #SAGA_LOADER}: one multi-get for every order of a response. */
    Future<Map<String, Object>> sagasForOrders(List<String> orderIds) {
        return api.readModel().sagasForOrders(orderIds).map(found -> {
            Map<String, Object> byOrder = new HashMap<>();
            found.forEach((orderId, doc) -> byOrder.put(orderId, Views.saga(doc)));
            return byOrder;
        });
    }

    // --- helpers ---

    private Future<JsonObject> ask(String address, JsonObject message) {
        return api.bus().<JsonObject>request(address, message)
            .map(reply -> reply.body())
            .recover(e -> Future.failedFuture(CommandErrors.fromReply(e)));
    }

    private static Map<String, Object> connection(ReadModelQueries.Page page, Function<JsonObject, Map<String, Object>> view) {
        List<Map<String, Object>> edges = new ArrayList<>();
        for (int i = 0; i < page.items().size(); i++) {
            edges.add(Map.of("node", view.apply(page.items().get(i)), "cursor", page.cursors().get(i)));
        }
        Map<String, Object> pageInfo = new HashMap<>();
        pageInfo.put("hasNextPage", page.hasNextPage());
        pageInfo.put("endCursor", page.endCursor());
        return Map.of("edges", edges, "pageInfo", pageInfo, "totalCount", (int) page.totalCount());
    }

    private static String offsetCursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("offset:" + offset).getBytes(StandardCharsets.UTF_8));
    }

    private static int offsetCursor(String cursor) {
        if (cursor == null) {
            return 0;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith("offset:")) {
                throw new IllegalArgumentException();
            }
            return Math.max(0, Integer.parseInt(text.substring("offset:".length())));
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT, "after is not a cursor of this list", "after");
        }
    }
}
