package io.sagaway.order.command;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.messaging.JsonCodec;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.order.domain.OrderInputRules;
import io.sagaway.tracing.Tracing;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.Optional;

/**
 * The JSON form of order commands on the event bus: the command's fields plus {@code command}
 * (its type), {@code orderId} (except for PlaceOrder), and optional {@code idempotencyKey},
 * {@code correlationId} and {@code causationId}.
 */
public final class OrderCommandMessages {

    public static final String COMMAND = "command";
    public static final String ORDER_ID = "orderId";
    public static final String IDEMPOTENCY_KEY = "idempotencyKey";

    private static final Map<String, Class<? extends OrderCommand>> TYPES = Map.of(
        "PlaceOrder", OrderCommand.PlaceOrder.class,
        "RecordPayment", OrderCommand.RecordPayment.class,
        "RecordReservation", OrderCommand.RecordReservation.class,
        "RecordShipment", OrderCommand.RecordShipment.class,
        "StartCompensation", OrderCommand.StartCompensation.class,
        "FailOrder", OrderCommand.FailOrder.class,
        "CancelOrder", OrderCommand.CancelOrder.class,
        "ConfirmCancellation", OrderCommand.ConfirmCancellation.class);

    private OrderCommandMessages() {
    }

    /** A parsed command message. */
    public record Parsed(String orderId, OrderCommand command, Optional<String> idempotencyKey, MessageMetadata metadata) {
    }

    public static JsonObject toJson(String orderId, OrderCommand command, MessageMetadata metadata) {
        return JsonCodec.toJson(command)
            .put(COMMAND, command.getClass().getSimpleName())
            .put(ORDER_ID, orderId)
            .put("correlationId", metadata.correlationId())
            .put("causationId", metadata.causationId())
            .put(Tracing.TRACEPARENT, metadata.traceparent());
    }

    /** Parses a message; a PlaceOrder gets {@code newOrderId}. Bad input fails with BAD_USER_INPUT. */
    public static Parsed parse(JsonObject body, String newOrderId) {
        if (body == null) {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT, "the command message is empty");
        }
        String name = body.getString(COMMAND);
        Class<? extends OrderCommand> type = name == null ? null : TYPES.get(name);
        if (type == null) {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT, "unknown order command '" + name + "'", COMMAND);
        }
        boolean placing = type == OrderCommand.PlaceOrder.class;
        String orderId = placing ? newOrderId : body.getString(ORDER_ID);
        if (orderId == null || orderId.isBlank()) {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT, "orderId is required", ORDER_ID);
        }
        OrderCommand command;
        try {
            command = JsonCodec.fromJson(placing ? body.copy().put(ORDER_ID, orderId) : body, type);
        } catch (JsonCodec.MalformedMessageException e) {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT, e.path().isEmpty() ? "malformed " + name
                : e.path() + " has the wrong type or shape", e.path().isEmpty() ? null : e.path());
        }
        Optional<String> key = Optional.ofNullable(body.getString(IDEMPOTENCY_KEY)).filter(k -> !k.isBlank());
        key.flatMap(k -> OrderInputRules.text(IDEMPOTENCY_KEY, k)).ifPresent(v -> {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT, v.message(), v.field());
        });
        String correlationId = Optional.ofNullable(body.getString("correlationId")).orElse(orderId);
        String causationId = Optional.ofNullable(body.getString("causationId")).orElse(correlationId);
        return new Parsed(orderId, command, key, new MessageMetadata(correlationId, causationId, body.getString(Tracing.TRACEPARENT)));
    }
}
