package io.sagaway.order.command;

import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.order.domain.Order;
import io.sagaway.order.domain.OrderEvent;
import io.sagaway.order.store.OrderRepository;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stores new orders, those that arrive together in one transaction (smart batching): an order
 * that finds fewer than {@link #IN_FLIGHT} transactions running starts one at once, so a quiet
 * system waits for nothing; orders arriving while they run are queued and go together in the
 * next one, so a busy system commits once for many orders. If a shared transaction fails, its
 * orders are tried again in halves, so one bad order fails alone and the others are stored.
 * Used from one event-loop context only.
 */
final class OrderPlacement {

    /** Transactions running at once: one being committed while the next fills. */
    static final int IN_FLIGHT = 2;
    /** The most orders in one transaction. */
    static final int MAX_BATCH = 256;

    /** A new order to store; answers the order an idempotency key already placed, or empty when this one was stored. */
    private record Pending(Order order, List<OrderEvent> events, String customerId, Optional<String> idempotencyKey,
                           MessageMetadata metadata, Promise<Optional<String>> stored) {
    }

    private final OrderRepository orders;
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int running;

    OrderPlacement(OrderRepository orders) {
        this.orders = orders;
    }

    /**
     * Stores {@code order}'s first events, unless {@code idempotencyKey} (per customer) already
     * placed an order: then nothing is stored and that order's id is the answer.
     */
    Future<Optional<String>> store(Order order, List<OrderEvent> events, String customerId, Optional<String> idempotencyKey,
                                   MessageMetadata metadata) {
        Promise<Optional<String>> stored = Promise.promise();
        queue.add(new Pending(order, events, customerId, idempotencyKey, metadata, stored));
        drain();
        return stored.future();
    }

    private void drain() {
        while (running < IN_FLIGHT && !queue.isEmpty()) {
            List<Pending> batch = new ArrayList<>(Math.min(queue.size(), MAX_BATCH));
            while (batch.size() < MAX_BATCH && !queue.isEmpty()) {
                batch.add(queue.poll());
            }
            running++;
            inOneTransaction(batch).onComplete(done -> {
                running--;
                drain();
            });
        }
    }

    /** Stores the batch together, or its halves apart; never fails (each order's promise hears its own outcome). */
    private Future<Void> inOneTransaction(List<Pending> batch) {
        List<Future<Optional<String>>> outcomes = new ArrayList<>(batch.size());
        return orders.pool().withTransaction(tx -> {
                // Sent one behind the other without waiting: each order's statements touch only its own rows,
                // except a repeated idempotency key, which the second claim then finds (in this transaction or after another's).
                batch.forEach(p -> outcomes.add(claim(tx, p).compose(first -> first.isPresent()
                    ? Future.succeededFuture(first)
                    : orders.append(tx, p.order(), p.events(), p.metadata()).map(appended -> Optional.<String>empty()))));
                return Future.join(outcomes);
            })
            .transform(done -> {
                if (done.succeeded()) {
                    for (int i = 0; i < batch.size(); i++) {
                        batch.get(i).stored().complete(outcomes.get(i).result());
                    }
                    return Future.succeededFuture();
                }
                if (batch.size() == 1) {
                    batch.get(0).stored().fail(done.cause());
                    return Future.succeededFuture();
                }
                int half = batch.size() / 2;
                return inOneTransaction(batch.subList(0, half)).compose(v -> inOneTransaction(batch.subList(half, batch.size())));
            });
    }

    /**
     * Claims the idempotency key for the order. If another request holds it, this waits for that
     * request's transaction (the primary key's lock) and answers the order it placed.
     */
    private static Future<Optional<String>> claim(SqlConnection tx, Pending p) {
        if (p.idempotencyKey().isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        String key = p.idempotencyKey().get();
        return tx.preparedQuery("""
                INSERT INTO order_idempotency_keys (customer_id, idempotency_key, order_id) VALUES ($1, $2, $3)
                ON CONFLICT DO NOTHING RETURNING order_id""")
            .execute(Tuple.of(p.customerId(), key, p.order().id()))
            .compose(inserted -> inserted.size() == 1
                ? Future.succeededFuture(Optional.<String>empty())
                : tx.preparedQuery("SELECT order_id FROM order_idempotency_keys WHERE customer_id = $1 AND idempotency_key = $2")
                    .execute(Tuple.of(p.customerId(), key))
                    .map(rows -> Optional.of(rows.iterator().next().getString("order_id"))));
    }
}
