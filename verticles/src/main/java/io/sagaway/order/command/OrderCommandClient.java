package io.sagaway.order.command;

import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.messaging.Addresses;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * Sends order commands over the event bus and turns failed replies back into
 * {@link io.sagaway.api.CommandFailure}s with the contract's codes.
 */
public final class OrderCommandClient {

    private final EventBus bus;
    private final DeliveryOptions options;

    public OrderCommandClient(EventBus bus, Duration timeout) {
        this.bus = bus;
        this.options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    }

    /** Places an order; {@code idempotencyKey} may be null. */
    public Future<CommandResult> placeOrder(OrderCommand.PlaceOrder order, String idempotencyKey, String correlationId) {
        // The caller's span (the gateway's request, when Vert.x traces) is where the order's trace starts.
        JsonObject message = OrderCommandMessages.toJson(null, order,
            new MessageMetadata(correlationId, correlationId, Tracing.currentTraceparent()));
        message.remove(OrderCommandMessages.ORDER_ID);
        if (idempotencyKey != null) {
            message.put(OrderCommandMessages.IDEMPOTENCY_KEY, idempotencyKey);
        }
        return send(message);
    }

    public Future<CommandResult> execute(String orderId, OrderCommand command, MessageMetadata metadata) {
        MessageMetadata traced = metadata.traceparent() == null ? metadata.tracedBy(Tracing.currentTraceparent()) : metadata;
        return send(OrderCommandMessages.toJson(orderId, command, traced));
    }

    /** Sends a command message as is (see {@link OrderCommandMessages}). */
    public Future<CommandResult> send(JsonObject message) {
        return bus.<JsonObject>request(Addresses.ORDER_COMMANDS, message, options)
            .map(reply -> CommandResult.fromJson(reply.body()))
            .recover(failure -> Future.failedFuture(CommandErrors.fromReply(failure)));
    }
}
