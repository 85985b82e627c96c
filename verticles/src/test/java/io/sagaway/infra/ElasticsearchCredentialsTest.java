package io.sagaway.infra;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Credentials in SAGAWAY_ELASTICSEARCH_URL (an ECK cluster's elastic user) go to Elasticsearch as
 * HTTP basic authentication. The server here only records what a request carried.
 */
class ElasticsearchCredentialsTest {

    private Vertx vertx;
    private HttpServer server;
    private final BlockingQueue<Optional<String>> authorizations = new LinkedBlockingQueue<>();

    @BeforeEach
    void listen() throws Exception {
        vertx = Vertx.vertx();
        server = vertx.createHttpServer().requestHandler(request -> {
            authorizations.add(Optional.ofNullable(request.getHeader("Authorization")));
            request.response().putHeader("X-Elastic-Product", "Elasticsearch").putHeader("content-type", "application/json").end();
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void credentialsInTheUrlAreSentAsBasicAuthenticationAndLeftOutOfTheAddress() throws Exception {
        try (InfraClients.Elasticsearch es = InfraClients.elasticsearch("http://elastic:s%40cret@127.0.0.1:" + server.actualPort())) {
            assertThat(es.client().ping().get(10, TimeUnit.SECONDS).value()).isTrue();
        }
        assertThat(authorizations.poll(5, TimeUnit.SECONDS)).contains(
            "Basic " + Base64.getEncoder().encodeToString("elastic:s@cret".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aUrlWithoutCredentialsSendsNone() throws Exception {
        try (InfraClients.Elasticsearch es = InfraClients.elasticsearch("http://127.0.0.1:" + server.actualPort())) {
            assertThat(es.client().ping().get(10, TimeUnit.SECONDS).value()).isTrue();
        }
        assertThat(authorizations.poll(5, TimeUnit.SECONDS)).isEmpty();
    }
}
