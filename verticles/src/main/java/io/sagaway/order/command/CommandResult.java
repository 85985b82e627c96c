package io.sagaway.order.command;

import io.sagaway.order.domain.OrderStatus;
import io.vertx.core.json.JsonObject;

/** What a successful order command answers: the order, its status and the version after the command. */
public record CommandResult(String orderId, OrderStatus status, int version) {

    public JsonObject toJson() {
        return new JsonObject().put("orderId", orderId).put("status", status.name()).put("version", version);
    }

    public static CommandResult fromJson(JsonObject json) {
        return new CommandResult(json.getString("orderId"), OrderStatus.valueOf(json.getString("status")), json.getInteger("version"));
    }
}
