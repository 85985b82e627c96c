package io.sagaway.order.command;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.infra.InfraClients;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;


/**
 * Maps failures to the contract's codes, on both sides of the event bus. Nothing but the
 * message of a {@link CommandFailure} crosses: no stack trace or SQL reaches a client.
 */
public final class CommandErrors {

    private CommandErrors() {
    }

    public static CommandFailure toFailure(Throwable failure) {
        if (failure instanceof CommandFailure refusal) {
            return refusal;
        }
        if (InfraClients.isUnavailable(failure)) {
            return new CommandFailure(ErrorCode.UNAVAILABLE, "a backing service is unavailable; retrying later is safe");
        }
        return new CommandFailure(ErrorCode.INTERNAL, "internal error");
    }

    /**
     * Answers an event-bus request with {@code result}, or fails it with the failure's contract
     * code ({@link ErrorCode#number()}) and a {@code {code, message, field}} body.
     */
    public static <T> void reply(Message<?> request, Future<T> result) {
        result.onComplete(request::reply, failure -> {
            CommandFailure refusal = toFailure(failure);
            request.fail(refusal.code().number(), toJson(refusal).encode());
        });
    }

    public static JsonObject toJson(CommandFailure failure) {
        return new JsonObject().put("code", failure.code().name()).put("message", failure.getMessage()).put("field", failure.field());
    }

    /** The failure a requester sees for a failed event-bus request. */
    public static CommandFailure fromReply(Throwable failure) {
        if (failure instanceof ReplyException reply) {
            if (reply.failureType() == ReplyFailure.TIMEOUT || reply.failureType() == ReplyFailure.NO_HANDLERS) {
                return new CommandFailure(ErrorCode.UNAVAILABLE, "the command handler did not answer; retrying later is safe");
            }
            try {
                JsonObject body = new JsonObject(reply.getMessage());
                return new CommandFailure(ErrorCode.valueOf(body.getString("code")), body.getString("message"), body.getString("field"));
            } catch (DecodeException | IllegalArgumentException | NullPointerException e) {
                return new CommandFailure(ErrorCode.fromNumber(reply.failureCode()), String.valueOf(reply.getMessage()));
            }
        }
        return toFailure(failure);
    }
}
