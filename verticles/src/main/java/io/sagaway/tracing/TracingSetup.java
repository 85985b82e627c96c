package io.sagaway.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;

import java.util.Map;

/**
 * Builds the platform's OpenTelemetry from the standard {@code OTEL_*} settings. Tracing is on
 * only when an OTLP endpoint is set ({@code OTEL_EXPORTER_OTLP_ENDPOINT} or
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}); then spans are exported over OTLP (HTTP/protobuf
 * unless {@code OTEL_EXPORTER_OTLP_PROTOCOL} says otherwise), sampled as
 * {@code OTEL_TRACES_SAMPLER} and {@code OTEL_TRACES_SAMPLER_ARG} say (by default every trace;
 * {@code parentbased_traceidratio} with {@code 0.1} keeps one in ten). Without an endpoint nothing
 * is built: no span is recorded or exported.
 */
public final class TracingSetup {

    private TracingSetup() {
    }

    public static boolean wanted(Map<String, String> env) {
        return !env.getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "").isBlank()
            || !env.getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "").isBlank();
    }

    /** The OpenTelemetry the environment asks for, or the no-op one. */
    public static OpenTelemetry fromEnvironment(Map<String, String> env) {
        if (!wanted(env)) {
            return OpenTelemetry.noop();
        }
        return AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(() -> Map.of(
                "otel.service.name", env.getOrDefault("OTEL_SERVICE_NAME", "sagaway"),
                "otel.exporter.otlp.protocol", env.getOrDefault("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
                // Traces only: the platform's metrics are Prometheus's (/metrics), its logs its own.
                "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none"))
            .disableShutdownHook()
            .build()
            .getOpenTelemetrySdk();
    }
}
