package io.sagaway.participant.payment;

import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.PoisonMessageException;
import io.sagaway.participant.Reply;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;

/** The payment participant's requests and its sealed family of replies. */
public final class PaymentMessages {

    private PaymentMessages() {
    }

    public sealed interface PaymentRequest permits DebitPayment, RefundPayment {
        String orderId();
    }

    public record DebitPayment(String orderId, String customerId, BigDecimal amount, String currency) implements PaymentRequest {
    }

    public record RefundPayment(String orderId, String customerId) implements PaymentRequest {
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

    public static PaymentRequest parse(Envelope envelope) {
        JsonObject p = envelope.payload();
        return switch (envelope.type()) {
            case "DebitPayment" -> new DebitPayment(envelope.aggregateId(), p.getString("customerId"),
                new BigDecimal(p.getString("amount")), p.getString("currency"));
            case "RefundPayment" -> new RefundPayment(envelope.aggregateId(), p.getString("customerId"));
            default -> throw new PoisonMessageException("payment cannot handle a " + envelope.type());
        };
    }
}
