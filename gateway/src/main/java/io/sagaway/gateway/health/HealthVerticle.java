package io.sagaway.gateway.health;

import io.sagaway.gateway.metrics.PlatformMetrics;
import io.sagaway.infra.Backends;
import io.sagaway.infra.ServiceEndpoints;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP port of a process that runs no gateway: {@code /health/live}, {@code /health/ready}
 * (the same checks as a gateway's) and {@code /metrics} (this process's own), so an orchestrator,
 * a participant or a projector can be probed and scraped like a gateway.
 */
public final class HealthVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(HealthVerticle.class);

    public record Settings(int port, ServiceEndpoints endpoints, String postgresSchema, PlatformMetrics metrics) {
    }

    private final Settings settings;
    private Backends backends;
    private HttpServer server;

    public HealthVerticle(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Future<?> start() {
        backends = Backends.connect(vertx, settings.endpoints(), 1, settings.postgresSchema());
        Router router = Router.router(vertx);
        ReadinessChecks.route(router, vertx, backends);
        router.get("/metrics").handler(PrometheusScrapingHandler.create(settings.metrics().registry()));
        return vertx.createHttpServer().requestHandler(router).listen(settings.port(), "0.0.0.0").onSuccess(s -> {
            server = s;
            LOG.info("Health and metrics on http://localhost:{}/health/ready and /metrics (no gateway in this process)", s.actualPort());
        });
    }

    @Override
    public Future<?> stop() {
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.eventually(() -> backends == null ? Future.succeededFuture() : backends.close());
    }

    /** The port actually bound. */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }
}
