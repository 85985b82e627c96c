package io.sagaway.messaging;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The one JSON mapping of commands, events and replies. Money ({@link BigDecimal}) is written as
 * a string so no reader turns it into a binary float; instants are ISO-8601.
 */
public final class JsonCodec {

    private static final ObjectMapper MAPPER = new ObjectMapper()
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static {
        MAPPER.configOverride(BigDecimal.class).setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.STRING));
    }

    private JsonCodec() {
    }

    public static JsonObject toJson(Object value) {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = MAPPER.convertValue(value, Map.class);
        return new JsonObject(map);
    }

    public static <T> T fromJson(JsonObject json, Class<T> type) {
        return decode(json.encode(), type);
    }

    /** Reads JSON text straight into {@code type}, with no intermediate tree. */
    public static <T> T decode(String json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (JsonMappingException e) {
            String path = path(e);
            throw new MalformedMessageException("cannot read a " + type.getSimpleName()
                + (path.isEmpty() ? "" : ": " + path + " has the wrong type or shape"), path, e);
        } catch (JsonProcessingException e) {
            throw new MalformedMessageException("cannot read a " + type.getSimpleName(), "", e);
        }
    }

    /** The JSON path of a mapping failure in the contract's notation, e.g. {@code items[0].quantity}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** A JSON object as plain maps and lists, the form the Elasticsearch client serialises. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> plain(JsonObject json) {
        try {
            return MAPPER.readValue(json.encode(), Map.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON", e);
        }
    }

    public static String encode(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** A message that cannot be parsed or mapped: never retried, it goes to dead letters. */
    public static final class MalformedMessageException extends RuntimeException {
        private final String path;

        public MalformedMessageException(String message, Throwable cause) {
            this(message, "", cause);
        }

        public MalformedMessageException(String message, String path, Throwable cause) {
            super(message, cause);
            this.path = path;
        }

        /** Where in the message the problem is, or empty. */
        public String path() {
            return path;
        }
    }
}
