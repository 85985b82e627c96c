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
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.Optional;

/**
 * Runs order commands: load, decide, append with the expected version, and on a concurrent
 * append reload and decide again, a bounded number of times. A rejection changes nothing.
 */
public final class OrderCommandService {

    static final int MAX_ATTEMPTS = 5;

    private final OrderRepository orders;

    public OrderCommandService(OrderRepository orders) {
        this.orders = orders;
    }

    /**
     * Places an order. With an idempotency key, the first request for that key (per customer)
     * places the order and every repeat, even one arriving at the same moment, answers with that
     * first result and places nothing.
     */
    public Future<CommandResult> placeOrder(OrderCommand.PlaceOrder command, Optional<String> idempotencyKey,
                                            MessageMetadata metadata) {
        Order order = Order.empty(command.orderId());
        Decision decision = order.decide(command);
        if (decision instanceof Decision.Rejected rejected) {
            return Future.failedFuture(new CommandFailure(rejected.code(), rejected.message(), rejected.field()));
        }
        var events = ((Decision.Accepted) decision).events();
        return orders.pool().withTransaction(tx -> claim(tx, command.customerId(), idempotencyKey, command.orderId())
                .compose(firstOrderId -> firstOrderId.isPresent()
                    ? Future.succeededFuture(firstOrderId)
                    : orders.append(tx, order, events, metadata).map(stored -> Optional.<String>empty())))
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

    /**
     * Claims the idempotency key for {@code orderId}. If another request holds it, this waits for
     * that request's transaction (the primary key's lock) and answers the order it placed.
     */
    private static Future<Optional<String>> claim(SqlConnection tx, String customerId, Optional<String> key, String orderId) {
        if (key.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        return tx.preparedQuery("""
                INSERT INTO order_idempotency_keys (customer_id, idempotency_key, order_id) VALUES ($1, $2, $3)
                ON CONFLICT DO NOTHING RETURNING order_id""")
            .execute(Tuple.of(customerId, key.get(), orderId))
            .compose(inserted -> inserted.size() == 1
                ? Future.succeededFuture(Optional.<String>empty())
                : tx.preparedQuery("SELECT order_id FROM order_idempotency_keys WHERE customer_id = $1 AND idempotency_key = $2")
                    .execute(Tuple.of(customerId, key.get()))
                    .map(rows -> Optional.of(rows.iterator().next().getString("order_id"))));
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
