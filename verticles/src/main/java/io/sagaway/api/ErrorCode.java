package io.sagaway.api;


/**
 * The error codes of the public contract ({@code extensions.code} in GraphQL). Each has a fixed
 * number for event-bus replies ({@code ReplyException.failureCode()}).
 */
public enum ErrorCode {
    BAD_USER_INPUT(400),
    UNAUTHENTICATED(401),
    FORBIDDEN(403),
    NOT_FOUND(404),
    /** A concurrent change won; retrying is safe. */
    CONFLICT(409),
    /** A backing service is down; retrying later is safe. */
    UNAVAILABLE(503),
    INTERNAL(500);

    private final int number;

    ErrorCode(int number) {
        this.number = number;
    }

    public int number() {
        return number;
    }

    public static ErrorCode fromNumber(int number) {
        for (ErrorCode code : values()) {
            if (code.number == number) {
                return code;
            }
        }
        return INTERNAL;
    }
}
