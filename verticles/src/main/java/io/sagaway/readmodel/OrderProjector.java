package io.sagaway.readmodel;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import io.sagaway.messaging.Addresses;
import io.sagaway.messaging.Envelope;
import io.sagaway.order.domain.Order;
import io.sagaway.order.store.OrderRepository;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Projects order events into the {@code orders} index. Each document holds the order's whole
 * state, so the next event is applied with the aggregate's own {@code apply}; events at or below
 * the document's version are duplicates and skipped, and writes are guarded by external
 * versioning, so nothing ever takes a document back. A gap (an event beyond the next version, say
 * after the index was lost) is filled from the event store.
 */
public final class OrderProjector {

    private final ElasticsearchAsyncClient es;
    private final Context context;
    private final OrderRepository orders;
    private final Supplier<Future<List<String>>> targets;
    private final EventBus bus;

    /**
     * @param targets the indices to write: the alias's index, plus a new one while a rebuild runs
     */
    public OrderProjector(ElasticsearchAsyncClient es, Context context, OrderRepository orders,
                          Supplier<Future<List<String>>> targets, EventBus bus) {
        this.es = es;
        this.context = context;
        this.orders = orders;
        this.targets = targets;
        this.bus = bus;
    }

    public Future<Void> project(List<Envelope> batch) {
        Map<String, List<Envelope>> byOrder = new LinkedHashMap<>();
        for (Envelope e : batch) {
            if (OrderRepository.isOrderEvent(e.type())) {
                byOrder.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e);
            }
        }
        if (byOrder.isEmpty()) {
            return Future.succeededFuture();
        }
        return targets.get()
            .compose(indices -> Future.all(indices.stream().map(index -> projectInto(index, byOrder)).toList()))
            .onSuccess(v -> report(byOrder))
            .mapEmpty();
    }

    /** Applies each order's events to its document in {@code index} and writes the results in one bulk request. */
    public Future<Void> projectInto(String index, Map<String, List<Envelope>> byOrder) {
        return Bulk.get(es, context, index, new ArrayList<>(byOrder.keySet())).compose(current -> {
            List<Future<Bulk.VersionedDocument>> docs = new ArrayList<>();
            byOrder.forEach((orderId, events) -> docs.add(advance(orderId, current.get(orderId), events)));
            return Future.all(docs).compose(all -> {
                Instant now = Instant.now();
                List<Bulk.VersionedDocument> changed = new ArrayList<>();
                for (Future<Bulk.VersionedDocument> f : docs) {
                    if (f.result() != null) {
                        changed.add(new Bulk.VersionedDocument(f.result().id(), f.result().version(),
                            f.result().source().put("projectedAt", now.toString())));
                    }
                }
                return Bulk.index(es, context, index, changed);
            });
        });
    }

    /** The order's document after its events, or null when none of them was new. */
    private Future<Bulk.VersionedDocument> advance(String orderId, JsonObject document, List<Envelope> events) {
        Order order = document == null ? Order.empty(orderId) : Order.fromView(OrderDocuments.toView(document));
        int before = order.version();
        Future<Order> chain = Future.succeededFuture(order);
        Instant committedAt = null;
        for (Envelope e : events) {
            committedAt = e.occurredAt();
            chain = chain.compose(o -> {
                if (e.version() <= o.version()) {
                    return Future.succeededFuture(o);
                }
                if (e.version() == o.version() + 1) {
                    o.apply(new Order.Recorded((int) e.version(), e.occurredAt(), OrderRepository.decode(e.type(), e.payload())));
                    return Future.succeededFuture(o);
                }
                return orders.loadAt(orderId, (int) e.version()).map(view -> view.map(Order::fromView).orElse(o));
            });
        }
        Instant committed = committedAt;
        return chain.map(o -> o.version() == before ? null
            : new Bulk.VersionedDocument(orderId, o.version(), OrderDocuments.toDocument(o.view(), committed, committed)));
    }

    private void report(Map<String, List<Envelope>> byOrder) {
        long now = System.currentTimeMillis();
        byOrder.forEach((orderId, events) -> {
            Envelope last = events.get(events.size() - 1);
            long lag = now - last.occurredAt().toEpochMilli();
            ProjectionMetrics.get().record(lag);
            bus.publish(Addresses.PROJECTION_UPDATES, new JsonObject().put("kind", "order").put("id", orderId)
                .put("version", last.version()).put("lagMs", lag));
        });
    }
}
