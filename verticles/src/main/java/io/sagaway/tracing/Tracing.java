package io.sagaway.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;

import java.util.Collection;
import java.util.regex.Pattern;

/**
 * The platform's traces (OpenTelemetry). One placeOrder is one trace: the W3C {@code traceparent}
 * of the span that wrote a message travels with it, in the outbox row and the Kafka record's
 * headers, and each consumer's span continues it. Off unless an OTLP endpoint is configured
 * ({@link TracingSetup}): then every call here is a no-op that allocates next to nothing.
 *
 * <p>Span attributes, the same everywhere: {@link #ORDER_ID}, {@link #SAGA_ID}, {@link #STEP},
 * {@link #ATTEMPT}, {@link #MESSAGE_ID}, {@link #MESSAGE_TYPE}.
 */
public final class Tracing {

    public static final String TRACEPARENT = "traceparent";
    public static final String ORDER_ID = "sagaway.order_id";
    public static final String SAGA_ID = "sagaway.saga_id";
    public static final String STEP = "sagaway.step";
    public static final String ATTEMPT = "sagaway.attempt";
    public static final String MESSAGE_ID = "messaging.message.id";
    public static final String MESSAGE_TYPE = "sagaway.message_type";
    public static final String CONSUMER_GROUP = "messaging.consumer.group.name";
    public static final String DESTINATION = "messaging.destination.name";

    private static final Pattern W3C = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private static volatile OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private static volatile Tracer tracer = openTelemetry.getTracer("sagaway");

    private Tracing() {
    }

    /** Makes {@code telemetry} the platform's (set once at start, before any verticle). */
    public static void install(OpenTelemetry telemetry) {
        openTelemetry = telemetry;
        tracer = telemetry.getTracer("sagaway");
    }

    public static OpenTelemetry openTelemetry() {
        return openTelemetry;
    }

    /** Whether spans can be recorded at all (an SDK is installed). */
    public static boolean enabled() {
        return openTelemetry != OpenTelemetry.noop();
    }

    /** A span continuing the trace of {@code traceparent} (a new trace when it is null or unreadable). */
    public static SpanBuilder span(String name, SpanKind kind, String traceparent) {
        SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(kind);
        SpanContext parent = parse(traceparent);
        return parent.isValid() ? builder.setParent(Context.root().with(Span.wrap(parent))) : builder.setNoParent();
    }

    /** A span of work done for several messages at once (a wave's transaction, a bulk write), linked to each one's trace. */
    public static Span batch(String name, Collection<String> traceparents, int size) {
        SpanBuilder builder = tracer.spanBuilder(name).setSpanKind(SpanKind.INTERNAL).setNoParent()
            .setAttribute("messaging.batch.message_count", (long) size);
        for (String traceparent : traceparents) {
            SpanContext linked = parse(traceparent);
            if (linked.isValid()) {
                builder.addLink(linked);
            }
        }
        return builder.startSpan();
    }

    /** Ends {@code span}, marked as an error when {@code failure} is not null. */
    public static void end(Span span, Throwable failure) {
        if (failure != null) {
            span.setStatus(StatusCode.ERROR, failure.toString());
        }
        span.end();
    }

    /** The W3C traceparent of {@code span}, or null when it is not part of a trace (tracing off). */
    public static String traceparent(Span span) {
        SpanContext context = span.getSpanContext();
        if (!context.isValid()) {
            return null;
        }
        return "00-" + context.getTraceId() + "-" + context.getSpanId() + "-" + context.getTraceFlags().asHex();
    }

    /** The traceparent of the span current on this thread (a Vert.x HTTP or event-bus span when Vert.x traces), or null. */
    public static String currentTraceparent() {
        return traceparent(Span.current());
    }

    /** The trace id of a traceparent, or null. */
    public static String traceId(String traceparent) {
        SpanContext context = parse(traceparent);
        return context.isValid() ? context.getTraceId() : null;
    }

    static SpanContext parse(String traceparent) {
        if (traceparent == null || !W3C.matcher(traceparent).matches()) {
            return SpanContext.getInvalid();
        }
        String[] parts = traceparent.split("-");
        return SpanContext.createFromRemoteParent(parts[1], parts[2], TraceFlags.fromHex(parts[3], 0), TraceState.getDefault());
    }
}
