package io.sagaway.gateway;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.stack.StackResolver;
import io.sagaway.tracing.Tracing;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One placeOrder is one trace, end to end, on the real services: the platform runs with an
 * OpenTelemetry SDK that keeps its spans in memory, and the order's trace holds the gateway's
 * request, the command, each publish through the outbox relay, the orchestrator's and each
 * participant's processing, the projection and the subscription push, with the order id on them.
 */
class TracingIT {

    private static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    private static Platform platform;
    private static Vertx vertx;
    private static WebClient web;
    private static int port;
    private static String schema;

    @BeforeAll
    static void start() throws Exception {
        schema = "it_trace_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(SPANS)).build()).build();
        platform = new Platform(PlatformConfig.load(Map.of(PlatformConfig.PG_SCHEMA, schema, PlatformConfig.TOPIC_PREFIX, schema + ".",
            PlatformConfig.INDEX_PREFIX, schema.replace('_', '-') + "-", PlatformConfig.TRACE_UI_URL, "http://traces.example:16686/trace/{traceId}"),
            List.of("--port", Integer.toString(port))), Platform.endpoints(StackResolver.forTests()), sdk);
        platform.start();
        vertx = Vertx.vertx();
        web = WebClient.create(vertx);
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.stop();
        }
        Tracing.install(OpenTelemetry.noop());
        if (vertx != null) {
            web.close();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void onePlaceOrderIsOneTraceAcrossEveryRoleAndItsLineageLinksToIt() throws Exception {
        String alice = web.post(port, "localhost", "/auth/token").sendJsonObject(new JsonObject().put("username", "alice").put("password", "alice"))
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).bodyAsJsonObject().getString("token");
        JsonObject placed = gql(alice, "mutation { placeOrder(input: {customerId: \"alice\", items: [{sku: \"SKU-4\", quantity: 1, "
            + "unitPrice: \"3.00\"}], shippingAddress: {line1: \"1 Sejong-daero\", city: \"Seoul\", postalCode: \"04524\", country: \"KR\"}, "
            + "waitFor: COMPLETED}) { orderId status } }");
        assertThat(placed.getJsonArray("errors")).as(placed.encode()).isNull();
        String orderId = placed.getJsonObject("data").getJsonObject("placeOrder").getString("orderId");

        JsonObject lineage = gql(alice, "{ orderLineage(orderId: \"" + orderId + "\") { traceId traceUrl } }").getJsonObject("data")
            .getJsonObject("orderLineage");
        String traceId = lineage.getString("traceId");
        assertThat(traceId).matches("[0-9a-f]{32}");
        assertThat(lineage.getString("traceUrl")).isEqualTo("http://traces.example:16686/trace/" + traceId);

        // The last hops (the projection, the push) end a moment after the saga completes.
        List<SpanData> trace = List.of();
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline) {
            trace = SPANS.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
            if (names(trace).containsAll(List.of("project OrderShipped", "process ShipmentCreated")) && names(trace).stream()
                .anyMatch(n -> n.startsWith("push "))) {
                break;
            }
            Thread.sleep(200);
        }
        assertThat(names(trace)).contains("order command PlaceOrder", "publish " + schema + ".order.events", "process OrderPlaced",
            "publish " + schema + ".payment.requests", "process DebitPayment", "process PaymentDebited", "process ReserveStock",
            "process InventoryReserved", "process CreateShipment", "process ShipmentCreated", "project OrderPlaced", "project OrderShipped");
        assertThat(names(trace)).anyMatch(n -> n.startsWith("push "));
        // The gateway's HTTP request (Vert.x's span) is the trace's root, and the command continues it over the event bus.
        SpanData root = trace.stream().filter(s -> !s.getParentSpanContext().isValid()).findFirst().orElseThrow();
        assertThat(root.getKind()).isEqualTo(SpanKind.SERVER);
        assertThat(trace).filteredOn(s -> s.getName().startsWith("process ")).allSatisfy(s -> {
            assertThat(s.getKind()).isEqualTo(SpanKind.CONSUMER);
            assertThat(s.getAttributes().get(AttributeKey.stringKey(Tracing.ORDER_ID))).isEqualTo(orderId);
            assertThat(s.getAttributes().get(AttributeKey.stringKey(Tracing.MESSAGE_ID))).isNotBlank();
            assertThat(s.getAttributes().get(AttributeKey.longKey(Tracing.ATTEMPT))).isEqualTo(1L);
        });
        SpanData debit = trace.stream().filter(s -> s.getName().equals("process DebitPayment")).findFirst().orElseThrow();
        assertThat(debit.getAttributes().get(AttributeKey.stringKey(Tracing.CONSUMER_GROUP))).isEqualTo(schema + ".payment");
        // The saga and the step: from the request for a participant, from the reply's type for the orchestrator.
        String sagaId = debit.getAttributes().get(AttributeKey.stringKey(Tracing.SAGA_ID));
        assertThat(sagaId).isNotBlank();
        assertThat(debit.getAttributes().get(AttributeKey.stringKey(Tracing.STEP))).isEqualTo("PAYMENT");
        SpanData debited = trace.stream().filter(s -> s.getName().equals("process InventoryReserved")).findFirst().orElseThrow();
        assertThat(debited.getAttributes().get(AttributeKey.stringKey(Tracing.SAGA_ID))).isEqualTo(sagaId);
        assertThat(debited.getAttributes().get(AttributeKey.stringKey(Tracing.STEP))).isEqualTo("INVENTORY");
        // Each consumer's span is the child of the publish that carried its message.
        SpanData published = trace.stream().filter(s -> s.getSpanId().equals(debit.getParentSpanId())).findFirst().orElseThrow();
        assertThat(published.getName()).isEqualTo("publish " + schema + ".payment.requests");
        assertThat(published.getKind()).isEqualTo(SpanKind.PRODUCER);
    }

    private static List<String> names(List<SpanData> spans) {
        return spans.stream().map(SpanData::getName).toList();
    }

    private static JsonObject gql(String token, String query) throws Exception {
        return web.post(port, "localhost", "/graphql").putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(new JsonObject().put("query", query)).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS)
            .bodyAsJsonObject();
    }
}
