package io.sagaway.participant;

import io.vertx.core.json.JsonObject;

/** A participant's answer to a step request: its message type and fields. */
public interface Reply {

    /** The message type, e.g. {@code PaymentDebited}. */
    default String type() {
        return getClass().getSimpleName();
    }

    /** The reply's own fields (the orchestrator adds nothing; the envelope carries ids). */
    JsonObject payload();
}
