package io.sagaway.graphql;

import graphql.schema.DataFetchingEnvironment;
import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.lineage.LineageHop;
import io.sagaway.messaging.JsonCodec;
import io.sagaway.order.command.CommandResult;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.order.domain.OrderInputRules;
import io.sagaway.readmodel.ReadModelQueries;
import io.sagaway.saga.SagaOrchestrator;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.dataloader.DataLoader;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import static io.sagaway.graphql.Resolvers.caller;
import static io.sagaway.graphql.Resolvers.id;
import static io.sagaway.graphql.Resolvers.require;

/** Orders: reads from the read model or the event store, placeOrder and cancelOrder, and Order.saga. */
final class OrderResolvers {

    private final PlatformApi api;
    private final SagaResolvers sagas;

    OrderResolvers(PlatformApi api, SagaResolvers sagas) {
        this.api = api;
        this.sagas = sagas;
    }

    Future<Object> order(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        String id = id(env, "id");
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

    Future<Object> orders(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        Inputs.OrderFilter filter = Inputs.OrderFilter.of(env.getArgument("filter"));
        String customerId = filter.customerId();
        if (!caller.isOperator()) {
            if (customerId != null) {
                caller.requireActingFor(customerId);
            }
            customerId = caller.customerId();
        }
        var query = filter.query(customerId, ReadModelQueries.OrderSort.valueOf(env.getArgumentOrDefault("sort", "CREATED_DESC")),
            env.getArgumentOrDefault("first", 20), env.getArgument("after"));
        return api.readModel().orders(query).map(page -> Paging.connection(page, Views::order));
    }

    Future<Object> orderEvents(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        return api.orders().stream(id(env, "id")).map(events -> {
            if (!events.isEmpty()) {
                caller.requireActingFor(events.get(0).data().getString("customerId"));
            }
            return events.stream().map(e -> {
                Map<String, Object> event = new LinkedHashMap<>();
                event.put("version", e.version());
                event.put("type", e.type());
                event.put("data", JsonCodec.plain(e.data()));
                event.put("occurredAt", e.occurredAt());
                return event;
            }).toList();
        });
    }

    Future<Object> orderLineage(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        return api.lineage().of(id(env, "orderId")).map(found -> found.map(lineage -> {
            caller.requireActingFor(lineage.customerId());
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("orderId", lineage.orderId());
            view.put("traceId", lineage.traceId());
            view.put("traceUrl", api.lineage().traceUrl(lineage.traceId()));
            view.put("hops", lineage.hops().stream().map(OrderResolvers::hop).toList());
            view.put("slowestHop", lineage.slowest().map(OrderResolvers::hop).orElse(null));
            return (Object) view;
        }).orElse(null));
    }

    private static Map<String, Object> hop(LineageHop hop) {
        Map<String, Object> view = new HashMap<>();
        view.put("at", hop.at());
        view.put("kind", hop.kind().name());
        view.put("durationMs", hop.durationMs() == null ? null : (int) Math.min(Integer.MAX_VALUE, hop.durationMs()));
        view.put("since", hop.since());
        view.put("messageId", hop.messageId());
        view.put("messageType", hop.messageType());
        view.put("version", hop.version() == null ? null : hop.version().intValue());
        view.put("topic", hop.topic());
        view.put("partition", hop.partition());
        view.put("offset", hop.offset() == null ? null : hop.offset().toString());
        view.put("consumer", hop.consumer());
        view.put("attempt", hop.attempt());
        view.put("sagaEvent", hop.sagaEvent() == null ? null : hop.sagaEvent().name());
        view.put("step", hop.step() == null ? null : hop.step().name());
        view.put("detail", hop.detail());
        return view;
    }

    Future<Object> orderAtVersion(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        String id = id(env, "id");
        int version = env.getArgument("version");
        if (version < 1) {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT, "version starts at 1", "version");
        }
        return api.orders().loadAt(id, version).map(view -> view.map(v -> {
            caller.requireActingFor(v.customerId());
            return (Object) Views.order(v);
        }).orElse(null));
    }

    Future<Object> placeOrder(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        Inputs.PlaceOrder input = Inputs.PlaceOrder.of(env.getArgument("input"));
        caller.requireActingFor(input.customerId());
        String requestId = UUID.randomUUID().toString();
        return api.commands().placeOrder(new OrderCommand.PlaceOrder(null, input.customerId(), input.items(), input.shippingAddress(),
                input.currency()), input.idempotencyKey(), requestId)
            .compose(placed -> switch (input.waitFor()) {
                case "PROJECTED" -> api.projections().awaitOrder(placed.orderId(), placed.version(), api.waitTimeout())
                    .map(doc -> payload(placed, Views.order(doc)));
                // The answer's order and its saga come from the read model: wait for both documents to show the end.
                case "COMPLETED" -> sagaFinished(placed.orderId())
                    .compose(sagaVersion -> api.orders().load(placed.orderId()).compose(order -> Future.all(
                            api.projections().awaitOrder(placed.orderId(), order.version(), api.waitTimeout()),
                            api.projections().awaitSaga(placed.orderId(), sagaVersion, api.waitTimeout()))
                        .map(both -> payload(new CommandResult(placed.orderId(), order.status(), order.version()),
                            Views.order(both.<JsonObject>resultAt(0))))));
                default -> Future.succeededFuture(payload(placed, null));
            });
    }

    /** The version at which the order's saga finished: from the saga feed this gateway follows, or its stored state. */
    private Future<Long> sagaFinished(String orderId) {
        return api.updates().awaitSagaFinished(SagaOrchestrator.sagaIdOf(orderId),
                () -> api.sagas().getByOrder(api.pool(), orderId)
                    .map(saga -> saga.filter(s -> s.status().isFinished()).map(s -> (long) s.version())),
                api.waitTimeout())
            .recover(e -> Future.failedFuture(new CommandFailure(ErrorCode.UNAVAILABLE, "the saga of order " + orderId
                + " did not finish within " + api.waitTimeout().toMillis() + " ms; it goes on, query the order later")));
    }

    private static Object payload(CommandResult result, Map<String, Object> order) {
        Map<String, Object> payload = new HashMap<>();
        payload.put("orderId", result.orderId());
        payload.put("status", result.status().name());
        payload.put("version", result.version());
        payload.put("order", order);
        return payload;
    }

    Future<Object> cancelOrder(DataFetchingEnvironment env) {
        Caller caller = caller(env);
        String id = id(env, "id");
        String givenReason = env.getArgument("reason");
        require(OrderInputRules.text("reason", givenReason));
        return api.orders().load(id).compose(order -> {
            if (!order.exists()) {
                return Future.failedFuture(new CommandFailure(ErrorCode.NOT_FOUND, "order " + id + " does not exist"));
            }
            caller.requireActingFor(order.view().customerId());
            String reason = Optional.ofNullable(givenReason).orElse("cancelled by " + caller.subject());
            return api.commands().execute(id, new OrderCommand.CancelOrder(reason), new MessageMetadata(id, "cancel:" + caller.subject()))
                .compose(result -> api.orders().load(id))
                .map(after -> (Object) Views.order(after.view()));
        });
    }

    /**
     * Order.saga: from the write side when the order itself was read there (STRONG, point in time,
     * cancelOrder's answer), so the two never contradict each other; otherwise from the read model,
     * batched over the response.
     */
    CompletableFuture<Object> orderSaga(DataFetchingEnvironment env) {
        Map<String, Object> order = env.getSource();
        String orderId = (String) order.get("id");
        if (Views.isFromWriteSide(order)) {
            return sagas.fromWriteSide(SagaOrchestrator.sagaIdOf(orderId)).toCompletionStage().toCompletableFuture();
        }
        DataLoader<String, Object> loader = env.getDataLoader(Resolvers.SAGA_LOADER);
        return loader.load(orderId);
    }
}
