package io.sagaway.participant.payment;

import io.sagaway.messaging.Envelope;
import io.sagaway.participant.MessageReader;
import io.sagaway.participant.Reply;
import io.sagaway.participant.Request;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;

/**
 * The payment participant's requests and its sealed family of replies: each message's type is
 * its record's name, and its fields are written and read here, nowhere else.
 */
public final class PaymentMessages {

    private PaymentMessages() {
    }

    public sealed interface PaymentRequest extends Request permits DebitPayment, RefundPayment {
    }

    public record DebitPayment(String sagaId, String orderId, String customerId, BigDecimal amount, String currency)
        implements PaymentRequest {
        @Override
        public JsonObject payload() {
            return PaymentRequest.super.payload().put("amount", amount.toPlainString()).put("currency", currency);
        }
    }

    public record RefundPayment(String sagaId, String orderId, String customerId) implements PaymentRequest {
    }

    public sealed interface PaymentReply extends Reply permits PaymentDebited, PaymentDeclined, PaymentRefunded {
    }

    public record PaymentDebited(String orderId, String paymentId) implements PaymentReply {
        public JsonObject payload() {
            return new JsonObject().put("orderId", orderId).put("paymentId", paymentId);
        }
    }

    /** The debit was refused; {@code reason} starts with INSUFFICIENT_FUNDS. */
    public record PaymentDeclined(String orderId, String reason) implements PaymentReply {
        public JsonObject payload() {
            return new JsonObject().put("orderId", orderId).put("reason", reason);
        }
    }

    public record PaymentRefunded(String orderId) implements PaymentReply {
        public JsonObject payload() {
            return new JsonObject().put("orderId", orderId);
        }
    }

    private static final MessageReader<PaymentRequest> REQUESTS = new MessageReader<>(PaymentRequest.class, "payment")
        .reads(DebitPayment.class, e -> new DebitPayment(e.payload().getString("sagaId"), e.aggregateId(),
            e.payload().getString("customerId"), new BigDecimal(e.payload().getString("amount")), e.payload().getString("currency")))
        .reads(RefundPayment.class, e -> new RefundPayment(e.payload().getString("sagaId"), e.aggregateId(),
            e.payload().getString("customerId")));

    /** What the saga reads of payment's replies; the order id is the envelope's, as for requests. */
    public static final MessageReader<PaymentReply> REPLIES = new MessageReader<>(PaymentReply.class, "the payment replies' reader")
        .reads(PaymentDebited.class, e -> new PaymentDebited(e.aggregateId(), e.payload().getString("paymentId")))
        .reads(PaymentDeclined.class, e -> new PaymentDeclined(e.aggregateId(), e.payload().getString("reason")))
        .reads(PaymentRefunded.class, e -> new PaymentRefunded(e.aggregateId()));

    public static PaymentRequest parse(Envelope envelope) {
        return REQUESTS.read(envelope);
    }
}
