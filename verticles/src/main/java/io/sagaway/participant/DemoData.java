package io.sagaway.participant;

import io.sagaway.participant.payment.PaymentParticipant;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.util.List;

/**
 * The development defaults: stock for SKU-1..SKU-5 (100 each) and accounts for alice and bob
 * (1,000,000 KRW each), loaded once at the first start of an installation. Later starts leave
 * whatever operators changed alone.
 */
public final class DemoData {

    private static final String FLAG = "demo-data-loaded";

    private DemoData() {
    }

    /** Loads the demo data unless this installation already did; answers whether it loaded it now. */
    public static Future<Boolean> loadOnce(Pool pool) {
        return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO platform_flags (name) VALUES ($1) ON CONFLICT DO NOTHING RETURNING 1")
            .execute(Tuple.of(FLAG))
            .compose(rows -> {
                if (rows.size() == 0) {
                    return Future.succeededFuture(false);
                }
                List<Tuple> stock = List.of(1, 2, 3, 4, 5).stream().map(i -> Tuple.of("SKU-" + i, 100)).toList();
                List<Tuple> accounts = List.of("alice", "bob").stream()
                    .map(c -> Tuple.of(c, new BigDecimal("1000000"), PaymentParticipant.DEFAULT_CURRENCY)).toList();
                return tx.preparedQuery("INSERT INTO inventory_stock (sku, available, reserved) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING")
                    .executeBatch(stock)
                    .compose(v -> tx.preparedQuery("INSERT INTO payment_accounts (customer_id, balance, currency) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
                        .executeBatch(accounts))
                    .map(true);
            }));
    }
}
