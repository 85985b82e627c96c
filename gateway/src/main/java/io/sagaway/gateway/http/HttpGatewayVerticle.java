package io.sagaway.gateway.http;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.eventstore.EventStore;
import io.sagaway.lineage.LineageReader;
import io.sagaway.saga.stuck.StuckSagaDetector;
import io.sagaway.gateway.auth.AuthService;
import io.sagaway.gateway.health.ReadinessChecks;
import io.sagaway.gateway.metrics.PlatformMetrics;
import io.sagaway.graphql.Caller;
import io.sagaway.graphql.PlatformApi;
import io.sagaway.graphql.SagawayGraphQL;
import io.sagaway.graphql.subscriptions.SubscriptionHub;
import io.sagaway.infra.Backends;
import io.sagaway.infra.ServiceEndpoints;
import io.sagaway.messaging.TopicNames;
import io.sagaway.order.command.OrderCommandClient;
import io.sagaway.order.store.OrderRepository;
import io.sagaway.readmodel.ProjectionWaiter;
import io.sagaway.readmodel.ReadModelIndices;
import io.sagaway.readmodel.ReadModelQueries;
import io.sagaway.saga.SagaStore;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.graphql.GraphQLHandler;
import io.vertx.ext.web.handler.graphql.GraphiQLHandler;
import io.vertx.ext.web.handler.graphql.GraphiQLHandlerOptions;
import io.vertx.micrometer.PrometheusScrapingHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The one HTTP port of the platform: GraphQL over HTTP and WebSocket ({@code graphql-transport-ws})
 * on {@code /graphql}, GraphiQL, the built-in token issuer, health, and the admin UI.
 */
public final class HttpGatewayVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(HttpGatewayVerticle.class);
    /** Where the admin-ui module puts its build on the classpath. */
    private static final String ADMIN_UI_RESOURCES = "admin-ui";
    private static final String CALLER = "sagaway.caller";
    /** How long a saga's step must wait before /metrics counts it stuck (as stuckSagas does by default). */
    private static final Duration STUCK_AFTER = Duration.ofSeconds(10);

    /** Everything the gateway needs to know. */
    public record Settings(int port, ServiceEndpoints endpoints, int postgresPoolSize, String postgresSchema, TopicNames topics,
                           String indexPrefix, AuthService auth, long maxRequestBytes, SagawayGraphQL.Limits limits,
                           Duration waitTimeout, PlatformMetrics metrics, int sendBufferBytes, Optional<String> traceUiUrl) {
    }

    private final Settings settings;
    private Backends backends;
    private HttpServer server;
    private SubscriptionHub updates;
    private ReadModelQueries queries;
    private ProjectionWaiter projections;
    private StuckSagaDetector stuck;

    public HttpGatewayVerticle(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Future<?> start() {
        backends = Backends.connect(vertx, settings.endpoints(), settings.postgresPoolSize(), settings.postgresSchema());
        updates = new SubscriptionHub(vertx, settings.topics(),
            settings.endpoints().kafkaBootstrapServers(), backends.postgres(), settings.metrics().subscriptionFanOut());
        HttpServerOptions options = new HttpServerOptions().setPort(settings.port()).setHost("0.0.0.0")
            .setCompressionSupported(true).addWebSocketSubProtocol("graphql-transport-ws");
        if (settings.sendBufferBytes() > 0) {
            options.setSendBufferSize(settings.sendBufferBytes());
        }
        var context = vertx.getOrCreateContext();
        var es = backends.elasticsearch().client();
        queries = new ReadModelQueries(es, context, new ReadModelIndices(es, context, settings.indexPrefix()));
        projections = new ProjectionWaiter(vertx, queries, settings.metrics().projectionLag());
        stuck = new StuckSagaDetector(backends.postgres(), backends.kafkaAdmin(), settings.topics());
        PlatformApi api = new PlatformApi(queries, projections,
            new OrderRepository(backends.postgres(), new EventStore(), settings.topics().orderEvents(), Integer.MAX_VALUE),
            new SagaStore(), backends.postgres(), new OrderCommandClient(vertx.eventBus(), Duration.ofSeconds(15)), vertx.eventBus(),
            settings.waitTimeout(), updates, new LineageReader(backends.postgres(), queries, settings.topics(),
                settings.traceUiUrl().orElse(null)), stuck);
        // Building the executable schema takes seconds of CPU on a busy machine: on a worker, while the feeds start,
        // never on the event loop (it blocked it for 6.5 s in a chaos run's restart, and everything else on that loop with it).
        Future<SagawayGraphQL> graphQL = vertx.executeBlocking(() -> new SagawayGraphQL(api, settings.limits()));
        Future<String> graphiql = vertx.executeBlocking(() -> GraphiqlPage.render(settings.auth().issues()));
        return updates.start()
            .compose(v -> projections.start())
            .compose(v -> Future.all(graphQL, graphiql))
            .compose(v -> vertx.createHttpServer(options)
            .requestHandler(router(graphQL.result(), graphiql.result()))
            .listen()
            .onSuccess(s -> {
                server = s;
                LOG.info("HTTP gateway listening on http://localhost:{}/ (GraphQL at /graphql, GraphiQL at /graphiql/, admin UI at /admin/)",
                    s.actualPort());
            }));
    }

    private Router router(SagawayGraphQL graphQL, String graphiqlPage) {
        Router router = Router.router(vertx);
        ReadinessChecks.route(router, vertx, backends);

        router.get("/metrics").handler(PrometheusScrapingHandler.create(settings.metrics().registry()));
        settings.metrics().countSagas(vertx, backends.postgres(), Duration.ofSeconds(5));
        settings.metrics().countSubscriptions(updates::subscriberCount);
        settings.metrics().countStuckSagas(vertx, stuck, STUCK_AFTER, Duration.ofSeconds(15));
        settings.metrics().measureConsumerLag(vertx, backends.kafkaAdmin(), Stream.of(
                "order-saga", "payment", "inventory", "shipping", "order-projector", "saga-projector")
            .map(settings.topics()::consumer).toList(), Duration.ofSeconds(10));

        router.post("/auth/token").handler(BodyHandler.create().setBodyLimit(4096)).handler(this::issueToken);

        GraphQLWebSocket ws = new GraphQLWebSocket(vertx, graphQL, settings.auth());
        GraphQLHandler http = GraphQLHandler.builder(graphQL.graphQL())
            .beforeExecute(b -> b.builder()
                .graphQLContext(Map.of(SagawayGraphQL.callerKey(), b.context().<Caller>get(CALLER)))
                .dataLoaderRegistry(graphQL.dataLoaders()))
            .build();
        router.route("/graphql").handler(ws);
        // Size first, in a route of its own: Vert.x Web wants the body handler first in the route that reads the body.
        router.route("/graphql").handler(this::limitSize);
        router.route("/graphql").handler(BodyHandler.create().setBodyLimit(settings.maxRequestBytes()))
            .handler(settings.metrics()::timeGraphQL).handler(this::authenticate).handler(http);

        router.get("/graphiql").handler(rc -> {
            if (rc.request().path().endsWith("/")) {
                rc.next();
            } else {
                rc.redirect("/graphiql/");
            }
        });
        // Our entry page (sign in, then GraphiQL with the token); the bundled app's files from vertx-web-graphql.
        router.get("/graphiql/").handler(rc -> rc.response().putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
            .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache").end(graphiqlPage));
        router.route("/graphiql/*").subRouter(GraphiQLHandler.create(vertx, new GraphiQLHandlerOptions().setEnabled(true)
            .setGraphQLUri("/graphql").setGraphQLWSEnabled(true).setGraphWSQLUri("/graphql")).router());
        router.get("/").handler(rc -> rc.redirect("/admin/"));
        // "/admin" also matches "/admin/" in Vert.x Web, so redirect only the form without the slash.
        router.get("/admin").handler(rc -> {
            if (rc.request().path().endsWith("/")) {
                rc.next();
            } else {
                rc.redirect("/admin/");
            }
        });
        router.get("/admin/*").handler(new ClasspathAssets(vertx, ADMIN_UI_RESOURCES, "/admin/"));
        return router;
    }

    private void issueToken(RoutingContext rc) {
        if (!settings.auth().issues()) {
            rc.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", "the built-in token issuer is off: tokens come from the configured issuer").encode());
            return;
        }
        JsonObject body;
        try {
            body = rc.body().asJsonObject();
        } catch (RuntimeException e) {
            body = null;
        }
        if (body == null || body.getString("username") == null || body.getString("password") == null) {
            rc.response().setStatusCode(400).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", "send {\"username\": \"...\", \"password\": \"...\"}").encode());
            return;
        }
        settings.auth().issue(body.getString("username"), body.getString("password")).ifPresentOrElse(
            token -> rc.json(new JsonObject().put("token", token).put("expiresIn", settings.auth().tokenLifetimeSeconds())),
            () -> rc.response().setStatusCode(401).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", "unknown user or wrong password").encode()));
    }

    /** Refuses a body over the limit with BAD_USER_INPUT before anything reads it. */
    private void limitSize(RoutingContext rc) {
        String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        String query = rc.request().getParam("query");
        long size = length == null ? 0 : parseLong(length);
        if (size > settings.maxRequestBytes() || (query != null && query.length() > settings.maxRequestBytes())) {
            error(rc, 413, ErrorCode.BAD_USER_INPUT, "the request is larger than " + settings.maxRequestBytes() + " bytes");
            return;
        }
        rc.next();
    }

    private void authenticate(RoutingContext rc) {
        settings.auth().authenticate(rc.request().getHeader(HttpHeaders.AUTHORIZATION)).onComplete(caller -> {
            rc.put(CALLER, caller);
            rc.next();
        }, failure -> error(rc, 401, ErrorCode.UNAUTHENTICATED, failure instanceof CommandFailure f ? f.getMessage() : "unauthenticated"));
    }

    /** A GraphQL-shaped error response, for refusals made before GraphQL runs. */
    private static void error(RoutingContext rc, int status, ErrorCode code, String message) {
        JsonObject body = new JsonObject().put("errors", new JsonArray().add(new JsonObject().put("message", message)
            .put("extensions", new JsonObject().put("code", code.name()))));
        rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }

    private static long parseLong(String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public Future<?> stop() {
        Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
        return closed.eventually(() -> projections == null ? Future.succeededFuture() : projections.stop())
            .eventually(() -> updates == null ? Future.succeededFuture() : updates.stop())
            .eventually(() -> backends == null ? Future.succeededFuture() : backends.close());
    }

    /** The port actually bound, useful when configured as 0. */
    public int actualPort() {
        return server == null ? -1 : server.actualPort();
    }
}
