package io.sagaway.gateway;

import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.gateway.config.Role;
import io.sagaway.gateway.http.HttpGatewayVerticle;
import io.sagaway.infra.ServiceEndpoints;
import io.sagaway.stack.StackEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One process of the platform: a Vert.x instance with the verticles of the configured roles. */
public final class Platform {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final PlatformConfig config;
    private final ServiceEndpoints endpoints;
    private Vertx vertx;
    private HttpGatewayVerticle gateway;

    public Platform(PlatformConfig config, ServiceEndpoints endpoints) {
        this.config = config;
        this.endpoints = endpoints;
    }

    public static ServiceEndpoints endpoints(StackEndpoints resolved) {
        return new ServiceEndpoints(resolved.postgresUri(), resolved.redisUri(), resolved.kafkaBootstrap(),
            resolved.elasticsearchUrl());
    }

    /** Deploys every role's verticles; blocks the calling (main) thread until they are up. */
    public void start() {
        vertx = Vertx.vertx();
        List<Future<String>> deployments = new ArrayList<>();
        if (config.roles().contains(Role.GATEWAY)) {
            gateway = new HttpGatewayVerticle(config.httpPort(), endpoints, config.postgresPoolSize());
            deployments.add(vertx.deployVerticle(gateway));
        }
        block(Future.all(deployments), START_TIMEOUT);
    }

    public void stop() {
        if (vertx != null) {
            block(vertx.close(), STOP_TIMEOUT);
            vertx = null;
        }
    }

    /** The HTTP port the gateway bound, or -1 when this process runs no gateway. */
    public int httpPort() {
        return gateway == null ? -1 : gateway.actualPort();
    }

    private static void block(Future<?> future, Duration timeout) {
        try {
            future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("not done within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
