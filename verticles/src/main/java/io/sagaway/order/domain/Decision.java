package io.sagaway.order.domain;

import io.sagaway.api.ErrorCode;

import java.util.List;

/** The aggregate's answer to a command: new events (none when the command was already applied), or a rejection. */
public sealed interface Decision {

    record Accepted(List<OrderEvent> events) implements Decision {
        public Accepted {
            events = List.copyOf(events);
        }
    }

    record Rejected(ErrorCode code, String message, String field) implements Decision {
    }

    static Decision accept(OrderEvent... events) {
        return new Accepted(List.of(events));
    }

    static Decision alreadyDone() {
        return new Accepted(List.of());
    }

    static Decision reject(ErrorCode code, String message) {
        return new Rejected(code, message, null);
    }

    static Decision badInput(String field, String message) {
        return new Rejected(ErrorCode.BAD_USER_INPUT, message, field);
    }
}
