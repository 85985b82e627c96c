package io.sagaway.participant;

import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.PoisonMessageException;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads one sealed family of messages (a participant's requests, or its replies) from envelopes.
 * A message's type on the wire is its record's name ({@link Request#type()}, {@link Reply#type()}),
 * so readers are registered by class and no type name is written as text anywhere: renaming a
 * record renames its message everywhere at once (and changes the wire, so don't, lightly).
 *
 * @param <M> the family
 */
public final class MessageReader<M> {

    private final Class<M> family;
    private final String reader;
    private final Map<String, Function<Envelope, ? extends M>> byType = new LinkedHashMap<>();

    /**
     * @param family the sealed interface the messages share
     * @param reader who reads, for the refusal of a type it does not know: "payment cannot handle a ..."
     */
    public MessageReader(Class<M> family, String reader) {
        this.family = family;
        this.reader = reader;
    }

    /** Reads messages of {@code type} with {@code read}; for building the reader, before it is shared. */
    public <T extends M> MessageReader<M> reads(Class<T> type, Function<Envelope, T> read) {
        if (byType.putIfAbsent(type.getSimpleName(), read) != null) {
            throw new IllegalArgumentException(reader + " reads " + type.getSimpleName() + " twice");
        }
        return this;
    }

    /** The message in {@code envelope}; a type this reader does not know is poison (no retry can help). */
    public M read(Envelope envelope) {
        Function<Envelope, ? extends M> read = byType.get(envelope.type());
        if (read == null) {
            throw new PoisonMessageException(reader + " cannot handle a " + envelope.type());
        }
        return read.apply(envelope);
    }

    /** The sealed interface of the messages read; its permitted records are what {@link #types()} should name. */
    public Class<M> family() {
        return family;
    }

    /** The message types this reader knows. */
    public Set<String> types() {
        return Collections.unmodifiableSet(byType.keySet());
    }
}
