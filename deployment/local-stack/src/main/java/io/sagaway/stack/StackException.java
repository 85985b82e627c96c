package io.sagaway.stack;


/** A service of the local stack could not be started, reused or stopped; the message says which and why. */
public final class StackException extends RuntimeException {
    public StackException(String message) {
        super(message);
    }

    public StackException(String message, Throwable cause) {
        super(message, cause);
    }
}
