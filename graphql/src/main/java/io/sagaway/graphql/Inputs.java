package io.sagaway.graphql;

import io.sagaway.order.domain.Address;
import io.sagaway.order.domain.OrderInputRules;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.readmodel.ReadModelQueries;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.sagaway.graphql.Resolvers.require;

/**
 * The schema's input objects as records, read once from graphql-java's coerced maps (whose types
 * the schema already guarantees) and checked against the contract's input rules.
 */
final class Inputs {

    private Inputs() {
    }

    /** PlaceOrderInput. The order's own rules (items, address, currency) are the aggregate's to check. */
    record PlaceOrder(String customerId, List<OrderItem> items, Address shippingAddress, String currency, String idempotencyKey,
                      String waitFor) {

        @SuppressWarnings("unchecked")
        static PlaceOrder of(Map<String, Object> input) {
            List<OrderItem> items = ((List<Map<String, Object>>) input.get("items")).stream()
                .map(i -> new OrderItem((String) i.get("sku"), (Integer) i.get("quantity"), (BigDecimal) i.get("unitPrice")))
                .toList();
            Map<String, Object> a = (Map<String, Object>) input.get("shippingAddress");
            Address address = new Address((String) a.get("line1"), (String) a.get("city"), (String) a.get("postalCode"),
                (String) a.get("country"));
            String waitFor = (String) input.get("waitFor");
            return new PlaceOrder((String) input.get("customerId"), items, address, (String) input.get("currency"),
                (String) input.get("idempotencyKey"), waitFor == null ? "ACCEPTED" : waitFor);
        }
    }

    /** OrderFilter. */
    record OrderFilter(String customerId, List<String> statuses, String sku, Instant createdAfter, Instant createdBefore,
                       BigDecimal minTotal, BigDecimal maxTotal) {

        @SuppressWarnings("unchecked")
        static OrderFilter of(Map<String, Object> filter) {
            Map<String, Object> f = filter == null ? Map.of() : filter;
            OrderFilter parsed = new OrderFilter((String) f.get("customerId"), (List<String>) f.get("status"), (String) f.get("sku"),
                (Instant) f.get("createdAfter"), (Instant) f.get("createdBefore"), (BigDecimal) f.get("minTotal"),
                (BigDecimal) f.get("maxTotal"));
            require(OrderInputRules.firstOf(
                OrderInputRules.optionalId("filter.customerId", parsed.customerId()),
                OrderInputRules.optionalId("filter.sku", parsed.sku()),
                OrderInputRules.totalFilter("filter.minTotal", parsed.minTotal()),
                OrderInputRules.totalFilter("filter.maxTotal", parsed.maxTotal())));
            return parsed;
        }

        ReadModelQueries.OrderQuery query(String customer, ReadModelQueries.OrderSort sort, int first, String after) {
            return new ReadModelQueries.OrderQuery(customer, statuses, sku, createdAfter, createdBefore, minTotal, maxTotal, sort, first,
                after);
        }
    }

    /** SagaFilter. */
    record SagaFilter(List<String> statuses, String orderId, String failedStep, Integer stalledForSeconds) {

        @SuppressWarnings("unchecked")
        static SagaFilter of(Map<String, Object> filter) {
            Map<String, Object> f = filter == null ? Map.of() : filter;
            SagaFilter parsed = new SagaFilter((List<String>) f.get("status"), (String) f.get("orderId"), (String) f.get("failedStep"),
                (Integer) f.get("stalledForSeconds"));
            require(OrderInputRules.optionalId("filter.orderId", parsed.orderId()));
            if (parsed.stalledForSeconds() != null && parsed.stalledForSeconds() < 0) {
                require(Optional.of(new OrderInputRules.Violation("filter.stalledForSeconds",
                    "stalledForSeconds cannot be negative")));
            }
            return parsed;
        }

        ReadModelQueries.SagaQuery query(int first, String after) {
            return new ReadModelQueries.SagaQuery(statuses, orderId, failedStep, null,
                stalledForSeconds == null ? null : Instant.now().minusSeconds(stalledForSeconds), first, after);
        }
    }
}
