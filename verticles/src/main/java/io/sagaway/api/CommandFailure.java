package io.sagaway.api;


/**
 * A refused or failed command, as a value: the contract's code, a message safe to show a client,
 * and the offending input field where there is one.
 */
public final class CommandFailure extends RuntimeException {

    private final ErrorCode code;
    private final String field;

    public CommandFailure(ErrorCode code, String message, String field) {
        super(message, null, false, false);
        this.code = code;
        this.field = field;
    }

    public CommandFailure(ErrorCode code, String message) {
        this(code, message, null);
    }

    public ErrorCode code() {
        return code;
    }

    /** The input field at fault, e.g. {@code items[2].quantity}, or null. */
    public String field() {
        return field;
    }
}
