package io.sagaway.gateway;

import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.infra.ServiceEndpoints;
import io.sagaway.stack.StackResolver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The gateway through HTTP, as a load balancer or an operator sees it, against the real services. */
class GatewayHealthIT {

    private static Vertx client;
    private static WebClient web;
    private static ServiceEndpoints endpoints;

    @BeforeAll
    static void start() {
        endpoints = Platform.endpoints(StackResolver.forTests());
        client = Vertx.vertx();
        web = WebClient.create(client);
    }

    @AfterAll
    static void stop() throws Exception {
        web.close();
        client.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void readinessIs200AndNamesEachOfTheFourServicesAsUp() throws Exception {
        Platform platform = start(endpoints);
        try {
            HttpResponse<Buffer> ready = get(platform, "/health/ready");

            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(checks(ready.bodyAsJsonObject())).containsExactlyInAnyOrderEntriesOf(Map.of(
                "postgresql", "UP", "redis", "UP", "kafka", "UP", "elasticsearch", "UP"));
            assertThat(get(platform, "/health/live").statusCode()).isEqualTo(200);
        } finally {
            platform.stop();
        }
    }

    @Test
    void readinessIs503AndNamesTheServiceThatDoesNotAnswer() throws Exception {
        ServiceEndpoints redisGone = new ServiceEndpoints(endpoints.postgresUri(), "redis://127.0.0.1:" + freePort(),
            endpoints.kafkaBootstrapServers(), endpoints.elasticsearchUrl());
        Platform platform = start(redisGone);
        try {
            HttpResponse<Buffer> ready = get(platform, "/health/ready");

            assertThat(ready.statusCode()).isEqualTo(503);
            Map<String, String> checks = checks(ready.bodyAsJsonObject());
            assertThat(checks).containsEntry("redis", "DOWN").containsEntry("postgresql", "UP")
                .containsEntry("kafka", "UP").containsEntry("elasticsearch", "UP");
            assertThat(get(platform, "/health/live").statusCode()).isEqualTo(200);
        } finally {
            platform.stop();
        }
    }

    @Test
    void theAdminUiIsServedAtAdmin() throws Exception {
        Platform platform = start(endpoints);
        try {
            HttpResponse<Buffer> page = get(platform, "/admin/");

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.getHeader("content-type")).startsWith("text/html");
            assertThat(page.bodyAsString()).contains("Sagaway admin");
            assertThat(get(platform, "/admin").statusCode()).isEqualTo(302);
        } finally {
            platform.stop();
        }
    }

    private static Platform start(ServiceEndpoints services) {
        // Only the gateway role: health and static files need nothing else, and nothing else then touches shared topics.
        PlatformConfig config = PlatformConfig.load(Map.of(), List.of("--port", Integer.toString(freePort()), "--roles", "gateway"));
        Platform platform = new Platform(config, services);
        platform.start();
        return platform;
    }

    private static HttpResponse<Buffer> get(Platform platform, String path) throws Exception {
        return web.get(platform.httpPort(), "localhost", path).followRedirects(false).send()
            .toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
    }

    private static Map<String, String> checks(JsonObject body) {
        JsonArray checks = body.getJsonArray("checks");
        Map<String, String> states = new HashMap<>();
        for (int i = 0; i < checks.size(); i++) {
            states.put(checks.getJsonObject(i).getString("id"), checks.getJsonObject(i).getString("status"));
        }
        return states;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
