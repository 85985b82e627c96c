package io.sagaway.readmodel;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import io.sagaway.infra.LruMap;
import io.sagaway.messaging.Addresses;
import io.sagaway.messaging.Envelope;
import io.sagaway.order.domain.Order;
import io.sagaway.order.domain.OrderView;
import io.sagaway.order.store.OrderRepository;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
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
 *
 * <p>The state it last wrote of each recent order is kept in memory ({@link #RECENT_ORDERS}), so the
 * next events of an order in flight apply without reading its document back: a saga's order
 * events come in several batches, and each read was a realtime multi-get per batch. A remembered
 * state is a true state of the order at its version, but it is used only when all of a batch's
 * events come after it: an event at or below it means a redelivery or a replay (say into an index
 * dropped and made again under the same name), and then the document decides. An order whose write
 * was refused because the index holds a newer version (a rebuild's replay wrote it) is forgotten,
 * so its next events start from the document.
 *
 * <p>An order whose events cannot become a document (its data breaks a rule the document relies
 * on) or whose document Elasticsearch refuses for good is set aside with the reason, and the
 * others of the batch are written: one order never holds up everyone's read side.
 */
public final class OrderProjector {

    private final ElasticsearchAsyncClient es;
    private final Context context;
    private final OrderRepository orders;
    private final Supplier<Future<List<String>>> targets;
    private final EventBus bus;
    /** Per index and order id, the newest state this projector knows the index holds (or held). */
    private final Map<String, OrderView> recent = new LruMap<>(RECENT_ORDERS);

    /** Orders whose last written state is remembered: more than are in flight at once at any rate measured. */
    static final int RECENT_ORDERS = 20_000;

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

    /** Projects a batch into every target index; answers the events set aside, with their reasons. */
    public Future<List<ProjectionConsumer.SetAside>> project(List<Envelope> batch) {
        Map<String, List<Envelope>> byOrder = new LinkedHashMap<>();
        for (Envelope e : batch) {
            if (OrderRepository.isOrderEvent(e.type())) {
                byOrder.computeIfAbsent(e.aggregateId(), k -> new ArrayList<>()).add(e);
            }
        }
        if (byOrder.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return targets.get()
            .compose(indices -> Future.all(indices.stream().map(index -> projectInto(index, byOrder)).toList()))
            .map(all -> {
                Map<String, String> refused = new LinkedHashMap<>();
                all.<Map<String, String>>list().forEach(refused::putAll);
                List<ProjectionConsumer.SetAside> setAside = new ArrayList<>();
                refused.forEach((orderId, reason) -> byOrder.get(orderId)
                    .forEach(event -> setAside.add(new ProjectionConsumer.SetAside(event, reason))));
                Map<String, List<Envelope>> projected = new LinkedHashMap<>(byOrder);
                projected.keySet().removeAll(refused.keySet());
                report(projected);
                return setAside;
            });
    }

    /**
     * Applies each order's events to its document in {@code index} and writes the results in one
     * bulk request; answers the orders set aside (their events cannot become a document, or
     * Elasticsearch refused it for good), each with the reason.
     */
    public Future<Map<String, String>> projectInto(String index, Map<String, List<Envelope>> byOrder) {
        Map<String, OrderView> known = new HashMap<>();
        List<String> unknown = new ArrayList<>();
        byOrder.forEach((orderId, events) -> {
            long first = events.stream().mapToLong(Envelope::version).min().orElseThrow();
            OrderView remembered = recent.get(Bulk.key(index, orderId));
            // Trusted only to continue from: events at or below it mean a redelivery or a replay
            // (an index dropped and made again under the same name), and the document decides.
            if (remembered != null && first > remembered.version()) {
                known.put(orderId, remembered);
            } else if (first > 1) {
                unknown.add(orderId); // an order this projector does not know: read its document
            }
        });
        return Bulk.get(es, context, index, unknown).compose(current -> {
            Map<String, String> refused = new LinkedHashMap<>();
            current.forEach((orderId, document) -> {
                try {
                    known.put(orderId, OrderDocuments.toView(document));
                } catch (RuntimeException e) {
                    refused.put(orderId, "its document in " + index + " cannot be read: " + e);
                }
            });
            List<Future<Bulk.VersionedDocument>> docs = new ArrayList<>();
            Map<String, OrderView> written = new HashMap<>();
            byOrder.forEach((orderId, events) -> {
                if (!refused.containsKey(orderId)) {
                    docs.add(advance(orderId, known.get(orderId), events)
                        .compose(order -> order == null ? Future.<Bulk.VersionedDocument>succeededFuture() : Unprojectable.check(() -> {
                            Bulk.VersionedDocument doc = toDocument(order, events);
                            written.put(orderId, order.view());
                            return doc;
                        }))
                        .recover(e -> {
                            if (e instanceof Unprojectable) {
                                refused.put(orderId, e.getMessage());
                                return Future.<Bulk.VersionedDocument>succeededFuture();
                            }
                            return Future.failedFuture(e);
                        }));
                }
            });
            return Future.all(docs).compose(all -> {
                Instant now = Instant.now();
                List<Bulk.VersionedDocument> changed = new ArrayList<>();
                for (Future<Bulk.VersionedDocument> f : docs) {
                    if (f.result() != null) {
                        changed.add(new Bulk.VersionedDocument(f.result().id(), f.result().version(),
                            f.result().source().put("projectedAt", now.toString())));
                    }
                }
                return Bulk.index(es, context, index, changed).map(result -> {
                    result.remember(index, written, recent);
                    refused.putAll(result.refused());
                    return refused;
                });
            });
        });
    }

    /** The order after its events, or null when none of them was new. */
    private Future<Order> advance(String orderId, OrderView current, List<Envelope> events) {
        Order order = current == null ? Order.empty(orderId) : Order.fromView(current);
        int before = order.version();
        Future<Order> chain = Future.succeededFuture(order);
        for (Envelope e : events) {
            chain = chain.compose(o -> {
                if (e.version() <= o.version()) {
                    return Future.succeededFuture(o);
                }
                if (e.version() == o.version() + 1) {
                    return Unprojectable.check(() -> {
                        o.apply(new Order.Recorded((int) e.version(), e.occurredAt(), OrderRepository.decode(e.type(), e.payload())));
                        return o;
                    });
                }
                return orders.loadAt(orderId, (int) e.version()).map(view -> view.map(Order::fromView).orElse(o));
            });
        }
        return chain.map(o -> o.version() == before ? null : o);
    }

    private static Bulk.VersionedDocument toDocument(Order order, List<Envelope> events) {
        Instant committed = events.get(events.size() - 1).occurredAt();
        return new Bulk.VersionedDocument(order.id(), order.version(), OrderDocuments.toDocument(order.view(), committed, committed));
    }

    private void report(Map<String, List<Envelope>> byOrder) {
        long now = System.currentTimeMillis();
        byOrder.forEach((orderId, events) -> {
            Envelope last = events.get(events.size() - 1);
            long lag = now - last.occurredAt().toEpochMilli();
            bus.publish(Addresses.PROJECTION_UPDATES, new JsonObject().put("kind", "order").put("id", orderId)
                .put("version", last.version()).put("lagMs", lag));
        });
    }
}
