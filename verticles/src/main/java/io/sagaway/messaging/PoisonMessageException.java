package io.sagaway.messaging;


/** A message no retry can help (unknown type, refers to nothing): it goes straight to dead letters. */
public final class PoisonMessageException extends RuntimeException {
    public PoisonMessageException(String message) {
        super(message);
    }
}
