package io.sagaway.gateway.http;

import io.sagaway.gateway.health.ReadinessChecks;
import io.sagaway.infra.Backends;
import io.sagaway.infra.ServiceEndpoints;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.StaticHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one HTTP port of the platform: health, and the admin UI's static files at {@code /admin/}. */
public final class HttpGatewayVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(HttpGatewayVerticle.class);
    /** Where the admin-ui module puts its build on the classpath. */
    private static final String ADMIN_UI_RESOURCES = "admin-ui";

    private final int port;
    private final ServiceEndpoints endpoints;
    private final int postgresPoolSize;
    private Backends backends;
    private HttpServer server;

    public HttpGatewayVerticle(int port, ServiceEndpoints endpoints, int postgresPoolSize) {
        this.port = port;
        this.endpoints = endpoints;
        this.postgresPoolSize = postgresPoolSize;
    }

    @Override
    public Future<?> start() {
        backends = Backends.connect(vertx, endpoints, postgresPoolSize);
        return vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("0.0.0.0").setCompressionSupported(true))
            .requestHandler(router())
            .listen()
            .onSuccess(s -> {
                server = s;
                LOG.info("HTTP gateway listening on http://localhost:{}/ (admin UI at /admin/, readiness at /health/ready)",
                    s.actualPort());
            });
    }

    private Router router() {
        Router router = Router.router(vertx);
        // Live means the event loop answers; it checks no dependency, so a backend outage never restarts us.
        router.get("/health/live").handler(rc -> rc.json(new JsonObject().put("status", "UP")));
        router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ReadinessChecks.create(vertx, backends)));
        router.get("/").handler(rc -> rc.redirect("/admin/"));
        // "/admin" also matches "/admin/" in Vert.x Web, so redirect only the form without the slash.
        router.get("/admin").handler(rc -> {
            if (rc.request().path().endsWith("/")) {
                rc.next();
            } else {
                rc.redirect("/admin/");
            }
        });
        router.route("/admin/*").handler(StaticHandler.create(ADMIN_UI_RESOURCES).setIndexPage("index.html"));
        return router;
    }

    @Override
    public Future<?> stop() {
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.eventually(() -> backends == null ? Future.succeededFuture() : backends.close());
    }

    /** The port actually bound, useful when configured as 0. */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }
}
