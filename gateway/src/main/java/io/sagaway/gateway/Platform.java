package io.sagaway.gateway;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.sagaway.gateway.auth.AuthService;
import io.sagaway.gateway.cluster.EventBusCluster;
import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.gateway.config.Role;
import io.sagaway.gateway.health.HealthVerticle;
import io.sagaway.gateway.http.HttpGatewayVerticle;
import io.sagaway.gateway.metrics.PlatformMetrics;
import io.sagaway.graphql.SagawayGraphQL;
import io.sagaway.infra.InfraClients;
import io.sagaway.infra.Migrations;
import io.sagaway.infra.ServiceEndpoints;
import io.sagaway.messaging.DeadLetterVerticle;
import io.sagaway.messaging.RetentionVerticle;
import io.sagaway.messaging.TopicNames;
import io.sagaway.messaging.TopicSetup;
import io.sagaway.order.command.OrderCommandVerticle;
import io.sagaway.outbox.OutboxRelayVerticle;
import io.sagaway.participant.DemoData;
import io.sagaway.participant.ParticipantVerticle;
import io.sagaway.participant.inventory.InventoryParticipant;
import io.sagaway.participant.payment.PaymentParticipant;
import io.sagaway.participant.shipping.ShippingParticipant;
import io.sagaway.readmodel.ProjectorVerticle;
import io.sagaway.readmodel.ReadModelVerticle;
import io.sagaway.saga.OrderSagaVerticle;
import io.sagaway.stack.StackEndpoints;
import io.sagaway.tracing.Tracing;
import io.sagaway.tracing.TracingSetup;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.VertxTracerFactory;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One process of the platform: migrates the schema and creates the topics its roles need, then
 * deploys the verticles of those roles on one Vert.x instance. Clustered
 * ({@code SAGAWAY_CLUSTER_MEMBERS}), that instance's event bus spans every member, so a role's
 * requests reach it in whichever process runs it; alone, the event bus is local and costs nothing.
 */
public final class Platform {

    private static final Logger LOG = LoggerFactory.getLogger(Platform.class);
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(20);

    private final PlatformConfig config;
    private final ServiceEndpoints endpoints;
    private final TopicNames topics;
    private final PlatformMetrics metrics = new PlatformMetrics();
    private final OpenTelemetry openTelemetry;
    private Vertx vertx;
    private HttpGatewayVerticle gateway;
    private HealthVerticle health;

    public Platform(PlatformConfig config, ServiceEndpoints endpoints) {
        this(config, endpoints, TracingSetup.fromEnvironment(System.getenv()));
    }

    /**
     * @param openTelemetry where the platform's spans go: built from the OTEL_* settings by default
     *                      (no-op without an OTLP endpoint); a test's in-memory SDK
     */
    public Platform(PlatformConfig config, ServiceEndpoints endpoints, OpenTelemetry openTelemetry) {
        this.config = config;
        this.endpoints = endpoints;
        this.topics = new TopicNames(config.topicPrefix());
        this.openTelemetry = openTelemetry;
    }

    public static ServiceEndpoints endpoints(StackEndpoints resolved) {
        return new ServiceEndpoints(resolved.postgresUri(), resolved.redisUri(), resolved.kafkaBootstrap(),
            resolved.elasticsearchUrl());
    }

    /** Prepares storage and deploys every role's verticles; blocks the calling (main) thread until they are up. */
    public void start() {
        if (config.roles().stream().anyMatch(Role::usesPostgres)) {
            var result = Migrations.apply(endpoints.postgresUri(), config.postgresSchema());
            LOG.info("PostgreSQL schema '{}' at version {} ({} migrations applied)", config.postgresSchema(),
                result.targetSchemaVersion == null ? "current" : result.targetSchemaVersion, result.migrationsExecuted);
        }
        InfraClients.useStaticMembership(config.instanceId(), config.kafkaSessionTimeout());
        Tracing.install(openTelemetry);
        vertx = config.cluster()
            .map(cluster -> {
                Vertx clustered = block(traced(metrics.vertxBuilder(EventBusCluster.withEventBus(new VertxOptions(), cluster)))
                    .withClusterManager(EventBusCluster.manager(cluster)).buildClustered(), START_TIMEOUT);
                LOG.info("Joined event-bus cluster '{}' ({}) as {}", cluster.name(),
                    cluster.serviceDns().isEmpty() ? "members " + cluster.members() : "members found at " + cluster.serviceDns(),
                    ((VertxInternal) clustered).clusterManager().getNodeId());
                return clustered;
            })
            .orElseGet(() -> traced(metrics.vertxBuilder(new VertxOptions())).build());
        if (Tracing.enabled()) {
            LOG.info("Tracing on: spans exported over OTLP to {}", System.getenv().getOrDefault("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                System.getenv().getOrDefault("OTEL_EXPORTER_OTLP_ENDPOINT", "(set by the caller)")));
        }
        block(TopicSetup.ensure(vertx, endpoints.kafkaBootstrapServers(), topics.all(), config.kafkaPartitions(),
            config.kafkaReplication()), START_TIMEOUT);
        if (config.demoData() && config.roles().stream().anyMatch(Role::usesPostgres)) {
            Pool pool = InfraClients.postgres(vertx, endpoints.postgresUri(), config.postgresSchema(), 1);
            boolean loaded = block(DemoData.loadOnce(pool).eventually(pool::close), START_TIMEOUT);
            if (loaded) {
                LOG.info("Demo data loaded: stock SKU-1..SKU-5 (100 each), accounts alice and bob (1000000 KRW each)");
            }
        }
        block(Future.all(deployments()), START_TIMEOUT);
        LOG.info("Platform started with roles {}", config.roles());
    }

    private List<Future<String>> deployments() {
        List<Future<String>> deployments = new ArrayList<>();
        if (!config.roles().contains(Role.GATEWAY)) {
            health = new HealthVerticle(new HealthVerticle.Settings(config.httpPort(), endpoints, config.postgresSchema(), metrics));
            deployments.add(vertx.deployVerticle(health));
        }
        for (Role role : config.roles()) {
            switch (role) {
                case GATEWAY -> {
                    gateway = new HttpGatewayVerticle(gatewaySettings());
                    deployments.add(vertx.deployVerticle(gateway));
                }
                case ORDER_COMMANDS -> deployments.add(vertx.deployVerticle(new OrderCommandVerticle(
                    new OrderCommandVerticle.Settings(endpoints.postgresUri(), config.postgresSchema(), config.postgresPoolSize(),
                        topics.orderEvents(), config.snapshotEvery()))));
                case ORDER_SAGA -> {
                    deployments.add(vertx.deployVerticle(new OrderSagaVerticle(new OrderSagaVerticle.Settings(topics,
                        endpoints.postgresUri(), config.postgresSchema(), config.postgresPoolSize(), endpoints.redisUri(),
                        endpoints.kafkaBootstrapServers(), config.sagaPolicy(), Duration.ofMillis(200), 5, Duration.ofMillis(200),
                        config.snapshotEvery()))));
                    deployments.add(vertx.deployVerticle(new DeadLetterVerticle(new DeadLetterVerticle.Settings(
                        endpoints.postgresUri(), config.postgresSchema(), endpoints.kafkaBootstrapServers()))));
                }
                case PAYMENT -> deployments.add(vertx.deployVerticle(new ParticipantVerticle(new PaymentParticipant(topics),
                    participantSettings())));
                case INVENTORY -> deployments.add(vertx.deployVerticle(new ParticipantVerticle(new InventoryParticipant(topics),
                    participantSettings())));
                case SHIPPING -> deployments.add(vertx.deployVerticle(new ParticipantVerticle(
                    new ShippingParticipant(topics, config.shippingCountries()), participantSettings())));
                case PROJECTOR -> {
                    deployments.add(vertx.deployVerticle(new ProjectorVerticle(new ProjectorVerticle.Settings(topics,
                        config.indexPrefix(), endpoints.postgresUri(), config.postgresSchema(), endpoints.elasticsearchUrl(),
                        endpoints.kafkaBootstrapServers()))));
                    deployments.add(vertx.deployVerticle(new ReadModelVerticle(readModelSettings())));
                }
                case OUTBOX_RELAY -> {
                    deployments.add(vertx.deployVerticle(new OutboxRelayVerticle(
                        new OutboxRelayVerticle.Settings(endpoints.postgresUri(), config.postgresSchema(),
                            endpoints.kafkaBootstrapServers(), config.relayBatchSize(), Duration.ofSeconds(1), config.lineageRetention()))));
                    // Housekeeping of the shared tables rides with the relay, which every deployment runs somewhere.
                    deployments.add(vertx.deployVerticle(new RetentionVerticle(new RetentionVerticle.Settings(endpoints.postgresUri(),
                        config.postgresSchema(), config.processedRetention(), config.deadLetterRetention(), Duration.ofMinutes(1)))));
                }
            }
        }
        return deployments;
    }

    private HttpGatewayVerticle.Settings gatewaySettings() {
        return new HttpGatewayVerticle.Settings(config.httpPort(), endpoints, config.postgresPoolSize(), config.postgresSchema(), topics,
            config.indexPrefix(), auth(), config.maxRequestBytes(),
            new SagawayGraphQL.Limits(config.maxQueryDepth(), config.maxQueryComplexity()), Duration.ofMillis(config.waitTimeoutMs()),
            metrics, config.sendBufferBytes(), config.traceUiUrl());
    }

    /** An external issuer when one is configured (public key or JWKS), else the built-in one. */
    private AuthService auth() {
        if (config.jwtPublicKey().isPresent()) {
            LOG.info("Verifying {} tokens of an external issuer with its public key; the built-in issuer is off", config.jwtAlgorithm());
            return AuthService.externalKey(vertx, config.jwtAlgorithm(), config.jwtPublicKey().get());
        }
        if (config.jwksUrl().isPresent()) {
            WebClient web = WebClient.create(vertx);
            List<JsonObject> keys = new ArrayList<>();
            block(web.getAbs(config.jwksUrl().get()).send().map(response -> {
                response.bodyAsJsonObject().getJsonArray("keys").forEach(k -> keys.add((JsonObject) k));
                return keys;
            }).eventually(() -> {
                web.close();
                return Future.succeededFuture();
            }), START_TIMEOUT);
            LOG.info("Verifying tokens of an external issuer with {} keys of {}; the built-in issuer is off", keys.size(), config.jwksUrl().get());
            return AuthService.externalJwks(vertx, keys);
        }
        String secret = config.jwtSecret();
        if (secret.isEmpty()) {
            secret = UUID.randomUUID() + "-" + UUID.randomUUID();
            LOG.warn("No {} set: tokens are signed with a random key and die with this process; set one shared by all gateways",
                PlatformConfig.JWT_SECRET);
        }
        if (config.developmentUsers()) {
            LOG.warn("The built-in token issuer serves the DEVELOPMENT users admin/admin, alice/alice and bob/bob: set {} for anything else",
                PlatformConfig.AUTH_USERS);
        }
        return new AuthService(vertx, secret, config.authUsers(), Duration.ofHours(8));
    }

    /** How the read model's operator actions (rebuild) reach their services. */
    public ReadModelVerticle.Settings readModelSettings() {
        return new ReadModelVerticle.Settings(config.indexPrefix(), endpoints.postgresUri(), config.postgresSchema(),
            endpoints.elasticsearchUrl(), topics.orderEvents(), Duration.ofSeconds(2));
    }

    private ParticipantVerticle.Settings participantSettings() {
        return new ParticipantVerticle.Settings(endpoints.postgresUri(), config.postgresSchema(), config.postgresPoolSize(),
            endpoints.redisUri(), endpoints.kafkaBootstrapServers(), 5, Duration.ofMillis(200));
    }

    public Vertx vertx() {
        return vertx;
    }

    public void stop() {
        if (vertx != null) {
            block(vertx.close(), STOP_TIMEOUT);
            vertx = null;
        }
        // The spans still batched for export go out before the process ends.
        if (openTelemetry instanceof OpenTelemetrySdk sdk) {
            sdk.getSdkTracerProvider().forceFlush().join(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Vert.x with its HTTP and event-bus spans when tracing is on (the event bus then carries
     * traceparent in its headers), and with no tracer at all when it is off: vertx-opentelemetry,
     * found on the class path, would otherwise install itself over the global no-op OpenTelemetry
     * and trace every request for nothing.
     */
    private VertxBuilder traced(VertxBuilder builder) {
        return builder.withTracer(Tracing.enabled() ? new OpenTelemetryTracingFactory(openTelemetry) : VertxTracerFactory.NOOP);
    }

    /** The HTTP port bound: the gateway's, or without one, the port of health and metrics. */
    public int httpPort() {
        return gateway != null ? gateway.actualPort() : health == null ? -1 : health.actualPort();
    }

    private static <T> T block(Future<T> future, Duration timeout) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
