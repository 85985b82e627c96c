package io.sagaway.participant.payment;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.messaging.Addresses;
import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.TopicNames;
import io.sagaway.order.domain.OrderInputRules;
import io.sagaway.participant.Participant;
import io.sagaway.participant.ParticipantVerticle;
import io.sagaway.participant.Reply;
import io.sagaway.participant.payment.PaymentMessages.DebitPayment;
import io.sagaway.participant.payment.PaymentMessages.PaymentDebited;
import io.sagaway.participant.payment.PaymentMessages.PaymentDeclined;
import io.sagaway.participant.payment.PaymentMessages.PaymentRefunded;
import io.sagaway.participant.payment.PaymentMessages.PaymentReply;
import io.sagaway.participant.payment.PaymentMessages.RefundPayment;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.util.UUID;

/**
 * Payment: customer accounts with a balance, debited for an order and refunded on compensation.
 * Each order has at most one payment row, which is what makes debit and refund idempotent.
 */
public final class PaymentParticipant implements Participant {

    private final TopicNames topics;

    public static final String NAME = "payment";
    public static final String DEFAULT_CURRENCY = "KRW";

    public PaymentParticipant(TopicNames topics) {
        this.topics = topics;
    }

    @Override
    public String name() {
        return topics.consumer(NAME);
    }

    @Override
    public String requestTopic() {
        return topics.paymentRequests();
    }

    @Override
    public String replyTopic() {
        return topics.paymentReplies();
    }

    /** A debit is one conditional UPDATE of the account (balance >= amount) and a refund one increment: both safe interleaved. */
    @Override
    public boolean interleaves() {
        return true;
    }

    @Override
    public Future<Reply> handle(SqlConnection tx, Envelope request) {
        return switch (PaymentMessages.parse(request)) {
            case DebitPayment debit -> debit(tx, debit).map(r -> r);
            case RefundPayment refund -> refund(tx, refund).map(r -> r);
        };
    }

    private Future<PaymentReply> debit(SqlConnection tx, DebitPayment debit) {
        return paymentOf(tx, debit.orderId()).compose(existing -> {
            if (existing != null) {
                return Future.succeededFuture(outcome(debit.orderId(), existing));
            }
            return tx.preparedQuery("""
                    UPDATE payment_accounts SET balance = balance - $2, updated_at = now()
                    WHERE customer_id = $1 AND currency = $3 AND balance >= $2 RETURNING balance""")
                .execute(Tuple.of(debit.customerId(), debit.amount(), debit.currency()))
                .compose(debited -> debited.size() == 1
                    ? record(tx, debit, "DEBITED", null).map(id -> (PaymentReply) new PaymentDebited(debit.orderId(), id))
                    : declineReason(tx, debit).compose(reason -> record(tx, debit, "DECLINED", reason)
                        .map(id -> (PaymentReply) new PaymentDeclined(debit.orderId(), reason))));
        });
    }

    private Future<PaymentReply> refund(SqlConnection tx, RefundPayment refund) {
        return paymentOf(tx, refund.orderId()).compose(existing -> {
            if (existing == null) {
                // Nothing was debited: leave a tombstone so a debit arriving late is refused, not applied.
                return tx.preparedQuery("""
                        INSERT INTO payments (order_id, payment_id, customer_id, amount, currency, status, reason)
                        VALUES ($1, $2, $3, 0, '', 'VOIDED', 'refunded before any debit')""")
                    .execute(Tuple.of(refund.orderId(), "void-" + refund.orderId(), String.valueOf(refund.customerId())))
                    .map(v -> new PaymentRefunded(refund.orderId()));
            }
            if (!"DEBITED".equals(existing.getString("status"))) {
                return Future.succeededFuture(new PaymentRefunded(refund.orderId()));
            }
            return tx.preparedQuery("UPDATE payment_accounts SET balance = balance + $2, updated_at = now() WHERE customer_id = $1")
                .execute(Tuple.of(existing.getString("customer_id"), existing.getBigDecimal("amount")))
                .compose(v -> tx.preparedQuery("UPDATE payments SET status = 'REFUNDED', updated_at = now() WHERE order_id = $1")
                    .execute(Tuple.of(refund.orderId())))
                .map(v -> new PaymentRefunded(refund.orderId()));
        });
    }

    private static Future<Row> paymentOf(SqlConnection tx, String orderId) {
        return tx.preparedQuery("SELECT * FROM payments WHERE order_id = $1 FOR UPDATE").execute(Tuple.of(orderId))
            .map(rows -> rows.size() == 0 ? null : rows.iterator().next());
    }

    private static PaymentReply outcome(String orderId, Row payment) {
        return switch (payment.getString("status")) {
            case "DEBITED" -> new PaymentDebited(orderId, payment.getString("payment_id"));
            case "DECLINED" -> new PaymentDeclined(orderId, payment.getString("reason"));
            default -> new PaymentDeclined(orderId, "INSUFFICIENT_FUNDS: the payment of this order was voided by a refund");
        };
    }

    private static Future<String> record(SqlConnection tx, DebitPayment debit, String status, String reason) {
        String paymentId = "pay-" + UUID.randomUUID();
        return tx.preparedQuery("""
                INSERT INTO payments (order_id, payment_id, customer_id, amount, currency, status, reason)
                VALUES ($1, $2, $3, $4, $5, $6, $7)""")
            .execute(Tuple.from(new Object[] {debit.orderId(), paymentId, debit.customerId(), debit.amount(), debit.currency(),
                status, reason}))
            .map(paymentId);
    }

    private static Future<String> declineReason(SqlConnection tx, DebitPayment debit) {
        return tx.preparedQuery("SELECT balance, currency FROM payment_accounts WHERE customer_id = $1")
            .execute(Tuple.of(debit.customerId()))
            .map(rows -> {
                if (rows.size() == 0) {
                    return "INSUFFICIENT_FUNDS: customer " + debit.customerId() + " has no payment account";
                }
                Row account = rows.iterator().next();
                if (!account.getString("currency").equals(debit.currency())) {
                    return "INSUFFICIENT_FUNDS: the account holds " + account.getString("currency") + ", the order is in "
                        + debit.currency();
                }
                return "INSUFFICIENT_FUNDS: balance " + account.getBigDecimal("balance").toPlainString()
                    + " is below the total " + debit.amount().toPlainString();
            });
    }

    // --- operator actions ---

    @Override
    public String operatorAddress() {
        return Addresses.PAYMENT_COMMANDS;
    }

    @Override
    public Future<JsonObject> operate(Pool pool, JsonObject message) {
        String customerId = message.getString("customerId");
        var badId = OrderInputRules.id("customerId", customerId);
        if (badId.isPresent()) {
            return ParticipantVerticle.badInput("customerId", badId.get().message());
        }
        return switch (String.valueOf(message.getString("action"))) {
            case "GetAccount" -> account(pool, customerId);
            case "CreditAccount" -> credit(pool, customerId, message.getString("amount"));
            default -> ParticipantVerticle.badInput("action", "unknown payment action " + message.getString("action"));
        };
    }

    private static Future<JsonObject> account(Pool pool, String customerId) {
        return pool.preparedQuery("SELECT customer_id, balance, currency FROM payment_accounts WHERE customer_id = $1")
            .execute(Tuple.of(customerId))
            .map(rows -> rows.size() == 0 ? null : toJson(rows.iterator().next()));
    }

    private static Future<JsonObject> credit(Pool pool, String customerId, String amountText) {
        BigDecimal amount;
        try {
            amount = new BigDecimal(String.valueOf(amountText));
        } catch (NumberFormatException e) {
            return ParticipantVerticle.badInput("amount", "amount must be a decimal number such as \"1000.00\"");
        }
        var badAmount = OrderInputRules.positiveAmount("amount", amount, OrderInputRules.MAX_CREDIT);
        if (badAmount.isPresent()) {
            return ParticipantVerticle.badInput("amount", badAmount.get().message());
        }
        return pool.preparedQuery("""
                INSERT INTO payment_accounts (customer_id, balance, currency) VALUES ($1, $2, $3)
                ON CONFLICT (customer_id) DO UPDATE SET balance = payment_accounts.balance + EXCLUDED.balance, updated_at = now()
                RETURNING customer_id, balance, currency""")
            .execute(Tuple.of(customerId, amount, DEFAULT_CURRENCY))
            .map(rows -> toJson(rows.iterator().next()))
            .recover(e -> Future.failedFuture(e.getMessage() != null && e.getMessage().contains("numeric field overflow")
                ? new CommandFailure(ErrorCode.BAD_USER_INPUT, "the balance would exceed what an account can hold", "amount") : e));
    }

    private static JsonObject toJson(Row row) {
        return new JsonObject().put("customerId", row.getString("customer_id"))
            .put("balance", row.getBigDecimal("balance").toPlainString()).put("currency", row.getString("currency"));
    }
}
