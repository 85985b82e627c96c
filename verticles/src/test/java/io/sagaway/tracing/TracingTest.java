package io.sagaway.tracing;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TracingTest {

    private static final String PARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    private static final String OTHER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    private final InMemorySpanExporter exported = InMemorySpanExporter.create();

    private void sdk(Sampler sampler) {
        Tracing.install(OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder().setSampler(sampler)
            .addSpanProcessor(SimpleSpanProcessor.create(exported)).build()).build());
    }

    @AfterEach
    void noop() {
        Tracing.install(OpenTelemetry.noop());
    }

    @Test
    void aSpanContinuesTheTraceOfTheTraceparentItIsGivenAndHandsOnItsOwn() {
        sdk(Sampler.alwaysOn());
        Span span = Tracing.span("process OrderPlaced", SpanKind.CONSUMER, PARENT).startSpan();
        String own = Tracing.traceparent(span);
        span.end();

        SpanData data = exported.getFinishedSpanItems().get(0);
        assertThat(data.getTraceId()).isEqualTo("0af7651916cd43dd8448eb211c80319c");
        assertThat(data.getParentSpanId()).isEqualTo("b7ad6b7169203331");
        assertThat(own).isEqualTo("00-0af7651916cd43dd8448eb211c80319c-" + data.getSpanId() + "-01");
        assertThat(Tracing.traceId(own)).isEqualTo("0af7651916cd43dd8448eb211c80319c");
    }

    @Test
    void aBatchSpanLinksToTheTraceOfEachRecordItHolds() {
        sdk(Sampler.alwaysOn());
        Tracing.batch("wave order-saga", Arrays.asList(PARENT, null, "garbage", OTHER), 4).end();

        SpanData wave = exported.getFinishedSpanItems().get(0);
        assertThat(wave.getLinks()).extracting(LinkData::getSpanContext).extracting(c -> c.getTraceId())
            .containsExactly("0af7651916cd43dd8448eb211c80319c", "4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(wave.getAttributes().asMap().values()).contains(4L);
    }

    @Test
    void anUnsampledTraceStaysUnsampledAndWithoutAnSdkNothingIsRecorded() {
        sdk(Sampler.parentBased(Sampler.traceIdRatioBased(1.0)));
        Tracing.span("publish", SpanKind.PRODUCER, "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00").startSpan().end();
        assertThat(exported.getFinishedSpanItems()).isEmpty();

        Tracing.install(OpenTelemetry.noop());
        assertThat(Tracing.enabled()).isFalse();
        Span span = Tracing.span("process", SpanKind.CONSUMER, PARENT).startSpan();
        // A no-op span passes the incoming context on unchanged, so the trace is not broken when one process does not trace.
        assertThat(Tracing.traceparent(span)).isEqualTo(PARENT);
        assertThat(Tracing.currentTraceparent()).isNull();
    }

    @Test
    void tracingIsOnOnlyWithAnOtlpEndpoint() {
        assertThat(TracingSetup.wanted(Map.of())).isFalse();
        assertThat(TracingSetup.wanted(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " "))).isFalse();
        assertThat(TracingSetup.wanted(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"))).isTrue();
        assertThat(TracingSetup.wanted(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/v1/traces"))).isTrue();
        assertThat(TracingSetup.fromEnvironment(Map.of())).isSameAs(OpenTelemetry.noop());
        assertThat(List.of(TracingSetup.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:9")))).first()
            .isInstanceOf(OpenTelemetrySdk.class);
    }
}
