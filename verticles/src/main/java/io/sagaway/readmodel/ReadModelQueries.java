package io.sagaway.readmodel;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.FieldValue;
import co.elastic.clients.elasticsearch._types.SortOrder;
import co.elastic.clients.elasticsearch._types.query_dsl.BoolQuery;
import co.elastic.clients.elasticsearch._types.query_dsl.Query;
import co.elastic.clients.elasticsearch.core.SearchRequest;
import co.elastic.clients.elasticsearch.core.search.Hit;
import co.elastic.clients.json.JsonData;
import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.infra.InfraClients;
import io.sagaway.saga.SagaOrchestrator;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The query side: orders and sagas from Elasticsearch, through their aliases (so queries keep
 * answering during a rebuild). Pages use {@code search_after} cursors with an exact total;
 * a backing-service failure becomes UNAVAILABLE and a bad cursor BAD_USER_INPUT.
 */
public final class ReadModelQueries {

    /** How orders can be sorted (the contract's names). */
    public enum OrderSort { CREATED_DESC, CREATED_ASC, TOTAL_DESC, TOTAL_ASC }

    /** Order filters; any may be null. */
    public record OrderQuery(String customerId, List<String> statuses, String sku, Instant createdAfter, Instant createdBefore,
                             BigDecimal minTotal, BigDecimal maxTotal, OrderSort sort, int first, String after) {
    }

    /**
     * Saga filters; any may be null. {@code stalledSince} keeps the running or compensating sagas
     * whose last change is older than it: the ones making no progress.
     */
    public record SagaQuery(List<String> statuses, String orderId, String failedStep, String customerId, Instant stalledSince,
                            int first, String after) {
    }

    /** A page of documents with their cursors. */
    public record Page(List<JsonObject> items, List<String> cursors, boolean hasNextPage, long totalCount) {
        public String endCursor() {
            return cursors.isEmpty() ? null : cursors.get(cursors.size() - 1);
        }
    }

    /** Counts by status for the dashboard. */
    public record Stats(Map<String, Long> ordersByStatus, Map<String, Long> sagasByStatus) {
    }

    /** How many orders were created in one minute. */
    public record MinuteCount(Instant minute, long count) {
    }

    public static final int MAX_PAGE = 100;
    /** The longest window of the per-minute series: a day. */
    public static final int MAX_MINUTES = 1440;

    private final ElasticsearchAsyncClient es;
    private final Context context;
    private final ReadModelIndices indices;

    public ReadModelQueries(ElasticsearchAsyncClient es, Context context, ReadModelIndices indices) {
        this.es = es;
        this.context = context;
        this.indices = indices;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    public Future<Optional<JsonObject>> order(String id) {
        return InfraClients.onContext(context, () -> es.get(g -> g.index(indices.alias(ReadModelIndices.Kind.ORDERS)).id(id), Map.class))
            .map(r -> r.found() && r.source() != null ? Optional.of(new JsonObject((Map<String, Object>) r.source())) : Optional.<JsonObject>empty())
            .recover(e -> notFound(e) ? Future.succeededFuture(Optional.empty()) : failure(e));
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    public Future<Optional<JsonObject>> saga(String id) {
        return InfraClients.onContext(context, () -> es.get(g -> g.index(indices.alias(ReadModelIndices.Kind.SAGAS)).id(id), Map.class))
            .map(r -> r.found() && r.source() != null ? Optional.of(new JsonObject((Map<String, Object>) r.source())) : Optional.<JsonObject>empty())
            .recover(e -> notFound(e) ? Future.succeededFuture(Optional.empty()) : failure(e));
    }

    /** The saga of an order; its id derives from the order's, so this is a realtime get, not a search. */
    public Future<Optional<JsonObject>> sagaForOrder(String orderId) {
        return saga(SagaOrchestrator.sagaIdOf(orderId));
    }

    /** The sagas of several orders in one request (for batching), by order id; orders without a saga are left out. */
    public Future<Map<String, JsonObject>> sagasForOrders(List<String> orderIds) {
        Map<String, String> orderBySaga = new LinkedHashMap<>();
        orderIds.forEach(o -> orderBySaga.put(SagaOrchestrator.sagaIdOf(o), o));
        return Bulk.get(es, context, indices.alias(ReadModelIndices.Kind.SAGAS), new ArrayList<>(orderBySaga.keySet()))
            .map(found -> {
                Map<String, JsonObject> byOrder = new LinkedHashMap<>();
                found.forEach((sagaId, doc) -> byOrder.put(orderBySaga.get(sagaId), doc));
                return byOrder;
            })
            .recover(e -> notFound(e) ? Future.succeededFuture(Map.of()) : failure(e));
    }

    public Future<Page> orders(OrderQuery q) {
        List<Query> filters = new ArrayList<>();
        term(filters, "customerId", q.customerId());
        terms(filters, "status", q.statuses());
        term(filters, "skus", q.sku());
        if (q.createdAfter() != null || q.createdBefore() != null) {
            filters.add(Query.of(b -> b.range(r -> r.untyped(u -> {
                u.field("createdAt");
                if (q.createdAfter() != null) {
                    u.gte(JsonData.of(q.createdAfter().toString()));
                }
                if (q.createdBefore() != null) {
                    u.lte(JsonData.of(q.createdBefore().toString()));
                }
                return u;
            }))));
        }
        if (q.minTotal() != null || q.maxTotal() != null) {
            filters.add(Query.of(b -> b.range(r -> r.untyped(u -> {
                u.field("totalMinor");
                if (q.minTotal() != null) {
                    u.gte(JsonData.of(OrderDocuments.minor(q.minTotal().setScale(2, RoundingMode.CEILING))));
                }
                if (q.maxTotal() != null) {
                    u.lte(JsonData.of(OrderDocuments.minor(q.maxTotal().setScale(2, RoundingMode.FLOOR))));
                }
                return u;
            }))));
        }
        OrderSort sort = q.sort() == null ? OrderSort.CREATED_DESC : q.sort();
        String field = sort == OrderSort.TOTAL_ASC || sort == OrderSort.TOTAL_DESC ? "totalMinor" : "createdAt";
        SortOrder order = sort == OrderSort.CREATED_ASC || sort == OrderSort.TOTAL_ASC ? SortOrder.Asc : SortOrder.Desc;
        return page(indices.alias(ReadModelIndices.Kind.ORDERS), filters, field, order, q.first(), q.after());
    }

    public Future<Page> sagas(SagaQuery q) {
        List<Query> filters = new ArrayList<>();
        terms(filters, "status", q.statuses());
        term(filters, "orderId", q.orderId());
        term(filters, "failedStep", q.failedStep());
        term(filters, "customerId", q.customerId());
        if (q.stalledSince() != null) {
            terms(filters, "status", List.of("RUNNING", "COMPENSATING"));
            filters.add(Query.of(b -> b.range(r -> r.untyped(u -> u.field("updatedAt").lt(JsonData.of(q.stalledSince().toEpochMilli()))))));
        }
        return page(indices.alias(ReadModelIndices.Kind.SAGAS), filters, "updatedAt", SortOrder.Desc, q.first(), q.after());
    }

    public Future<Stats> stats() {
        return Future.all(countByStatus(ReadModelIndices.Kind.ORDERS), countByStatus(ReadModelIndices.Kind.SAGAS))
            .map(all -> new Stats(all.resultAt(0), all.resultAt(1)));
    }

    /**
     * Orders created per minute over the last {@code minutes} minutes, oldest first, the current
     * (partial) minute last. Minutes without orders are present with 0, so a chart has no gaps.
     */
    public Future<List<MinuteCount>> ordersPerMinute(int minutes, Instant now) {
        if (minutes < 1 || minutes > MAX_MINUTES) {
            return Future.failedFuture(new CommandFailure(ErrorCode.BAD_USER_INPUT, "minutes must be from 1 to " + MAX_MINUTES, "minutes"));
        }
        long minuteMs = 60_000;
        long last = now.toEpochMilli() / minuteMs * minuteMs;
        long first = last - (minutes - 1) * minuteMs;
        return InfraClients.onContext(context, () -> es.search(s -> s.index(indices.alias(ReadModelIndices.Kind.ORDERS)).size(0)
                .query(q -> q.range(r -> r.untyped(u -> u.field("createdAt").gte(JsonData.of(first)))))
                .aggregations("perMinute", a -> a.dateHistogram(h -> h.field("createdAt").fixedInterval(i -> i.time("1m")))),
                Void.class))
            .map(r -> {
                Map<Long, Long> counts = new LinkedHashMap<>();
                r.aggregations().get("perMinute").dateHistogram().buckets().array()
                    .forEach(b -> counts.put(b.key(), b.docCount()));
                return series(first, last, minuteMs, counts);
            })
            .recover(e -> notFound(e) ? Future.succeededFuture(series(first, last, minuteMs, Map.of())) : failure(e));
    }

    private static List<MinuteCount> series(long first, long last, long step, Map<Long, Long> counts) {
        List<MinuteCount> series = new ArrayList<>();
        for (long minute = first; minute <= last; minute += step) {
            series.add(new MinuteCount(Instant.ofEpochMilli(minute), counts.getOrDefault(minute, 0L)));
        }
        return series;
    }

    private Future<Map<String, Long>> countByStatus(ReadModelIndices.Kind kind) {
        return InfraClients.onContext(context, () -> es.search(s -> s.index(indices.alias(kind)).size(0)
                .aggregations("byStatus", a -> a.terms(t -> t.field("status").size(50))), Void.class))
            .map(r -> {
                Map<String, Long> counts = new LinkedHashMap<>();
                r.aggregations().get("byStatus").sterms().buckets().array()
                    .forEach(b -> counts.put(b.key().stringValue(), b.docCount()));
                return counts;
            })
            .recover(e -> notFound(e) ? Future.succeededFuture(Map.of()) : failure(e));
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private Future<Page> page(String alias, List<Query> filters, String field, SortOrder order, int first, String after) {
        if (first < 0 || first > MAX_PAGE) {
            return Future.failedFuture(new CommandFailure(ErrorCode.BAD_USER_INPUT, "first must be from 0 to " + MAX_PAGE, "first"));
        }
        List<FieldValue> searchAfter;
        try {
            searchAfter = after == null ? null : decodeCursor(after);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new CommandFailure(ErrorCode.BAD_USER_INPUT, "after is not a cursor of this list", "after"));
        }
        SearchRequest request = SearchRequest.of(s -> {
            s.index(alias).size(first + 1).trackTotalHits(t -> t.enabled(true))
                .query(qb -> qb.bool(BoolQuery.of(b -> b.filter(filters))))
                .sort(so -> so.field(f -> f.field(field).order(order)))
                .sort(so -> so.field(f -> f.field("id").order(SortOrder.Asc)));
            if (searchAfter != null) {
                s.searchAfter(searchAfter);
            }
            return s;
        });
        return InfraClients.onContext(context, () -> es.search(request, Map.class))
            .map(r -> {
                List<Hit<Map>> hits = r.hits().hits();
                List<JsonObject> items = new ArrayList<>();
                List<String> cursors = new ArrayList<>();
                for (int i = 0; i < Math.min(first, hits.size()); i++) {
                    items.add(new JsonObject((Map<String, Object>) hits.get(i).source()));
                    cursors.add(encodeCursor(hits.get(i).sort()));
                }
                long total = r.hits().total() == null ? items.size() : r.hits().total().value();
                return new Page(items, cursors, hits.size() > first, total);
            })
            .recover(e -> notFound(e) ? Future.succeededFuture(new Page(List.of(), List.of(), false, 0)) : failure(e));
    }

    private static void term(List<Query> filters, String field, String value) {
        if (value != null) {
            filters.add(Query.of(b -> b.term(t -> t.field(field).value(value))));
        }
    }

    private static void terms(List<Query> filters, String field, List<String> values) {
        if (values != null && !values.isEmpty()) {
            filters.add(Query.of(b -> b.terms(t -> t.field(field).terms(v -> v.value(values.stream().map(FieldValue::of).toList())))));
        }
    }

    static String encodeCursor(List<FieldValue> sort) {
        JsonArray values = new JsonArray();
        for (FieldValue v : sort) {
            if (v.isLong()) {
                values.add(new JsonObject().put("l", v.longValue()));
            } else if (v.isDouble()) {
                values.add(new JsonObject().put("d", v.doubleValue()));
            } else {
                values.add(new JsonObject().put("s", v.isString() ? v.stringValue() : String.valueOf(v._get())));
            }
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(values.encode().getBytes(StandardCharsets.UTF_8));
    }

    static List<FieldValue> decodeCursor(String cursor) {
        try {
            JsonArray values = new JsonArray(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
            List<FieldValue> result = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                JsonObject v = values.getJsonObject(i);
                if (v.containsKey("l")) {
                    result.add(FieldValue.of(v.getLong("l")));
                } else if (v.containsKey("d")) {
                    result.add(FieldValue.of(v.getDouble("d")));
                } else {
                    result.add(FieldValue.of(v.getString("s")));
                }
            }
            return result;
        } catch (DecodeException | ClassCastException | IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("bad cursor", e);
        }
    }

    private static boolean notFound(Throwable e) {
        return e instanceof ElasticsearchException es && es.status() == 404;
    }

    private static <T> Future<T> failure(Throwable e) {
        if (e instanceof CommandFailure) {
            return Future.failedFuture(e);
        }
        if (e instanceof IOException || e.getCause() instanceof IOException
            || (e instanceof ElasticsearchException es && es.status() >= 500)) {
            return Future.failedFuture(new CommandFailure(ErrorCode.UNAVAILABLE, "the read model is unavailable; retrying later is safe"));
        }
        return Future.failedFuture(new CommandFailure(ErrorCode.INTERNAL, "internal error"));
    }
}
