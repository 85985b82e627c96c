package io.sagaway.order.command;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.eventstore.ConcurrencyConflict;
import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.order.domain.Decision;
import io.sagaway.order.domain.Order;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.order.domain.OrderView;
import io.sagaway.order.store.OrderRepository;
import io.vertx.core.Future;

import java.util.Optional;

/**
 * Runs order commands: load, decide, append with the expected version, and on a concurrent
 * append reload and decide again, a bounded number of times. A rejection changes nothing.
 */
public final class OrderCommandService {

    static final int MAX_ATTEMPTS = 5;

    private final OrderRepository orders;
    private final OrderPlacement placement;

    public OrderCommandService(OrderRepository orders) {
        this.orders = orders;
        this.placement = new OrderPlacement(orders);
    }

    /**
     * Places an order. With an idempotency key, the first request for that key (per customer)
     * places the order and every repeat, even one arriving at the same moment, answers with that
     * first result and places nothing. Orders placed at the same moment share a transaction
     * ({@link OrderPlacement}).
     */
    public Future<CommandResult> placeOrder(OrderCommand.PlaceOrder command, Optional<String> idempotencyKey,
                                            MessageMetadata metadata) {
        Order order = Order.empty(command.orderId());
        Decision decision = order.decide(command);
        if (decision instanceof Decision.Rejected rejected) {
            return Future.failedFuture(new CommandFailure(rejected.code(), rejected.message(), rejected.field()));
        }
        var events = ((Decision.Accepted) decision).events();
        return placement.store(order, events, command.customerId(), idempotencyKey, metadata)
            .compose(firstOrderId -> firstOrderId.isPresent()
                ? firstResult(firstOrderId.get())
                : Future.succeededFuture(new CommandResult(order.id(), order.status(), order.version())));
    }

    /** Runs a command against an existing order. */
    public Future<CommandResult> execute(String orderId, OrderCommand command, MessageMetadata metadata) {
        return attempt(orderId, command, metadata, 1);
    }

    private Future<CommandResult> attempt(String orderId, OrderCommand command, MessageMetadata metadata, int attempt) {
        return orders.load(orderId)
            .compose(order -> switch (order.decide(command)) {
                case Decision.Rejected r -> Future.failedFuture(new CommandFailure(r.code(), r.message(), r.field()));
                case Decision.Accepted a when a.events().isEmpty() -> Future.succeededFuture(result(order));
                case Decision.Accepted a -> orders.pool()
                    .withTransaction(tx -> orders.append(tx, order, a.events(), metadata))
                    .map(stored -> result(order));
            })
            .recover(failure -> {
                if (!(failure instanceof ConcurrencyConflict)) {
                    return Future.failedFuture(failure);
                }
                if (attempt >= MAX_ATTEMPTS) {
                    return Future.failedFuture(new CommandFailure(ErrorCode.CONFLICT,
                        "order " + orderId + " kept changing concurrently; retrying is safe"));
                }
                return attempt(orderId, command, metadata, attempt + 1);
            });
    }

    /** The answer the first placeOrder with a key gave: the order just after it was placed. */
    private Future<CommandResult> firstResult(String orderId) {
        return orders.loadAt(orderId, 1).map(view -> view
            .map(v -> new CommandResult(v.id(), v.status(), v.version()))
            .orElseThrow(() -> new CommandFailure(ErrorCode.INTERNAL, "idempotency key points at missing order " + orderId)));
    }

    private static CommandResult result(Order order) {
        OrderView view = order.view();
        return new CommandResult(view.id(), view.status(), view.version());
    }
}
