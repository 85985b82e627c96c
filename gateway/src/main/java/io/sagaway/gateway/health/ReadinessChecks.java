package io.sagaway.gateway.health;

import io.sagaway.infra.Backends;
import io.sagaway.infra.InfraClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

import java.util.List;
import java.util.function.Supplier;

/**
 * Readiness: a real round trip to each of the four services. The platform is ready only when all
 * of them answer; the JSON body names each check and its state.
 */
public final class ReadinessChecks {

    public static final String POSTGRESQL = "postgresql";
    public static final String REDIS = "redis";
    public static final String KAFKA = "kafka";
    public static final String ELASTICSEARCH = "elasticsearch";

    private static final long TIMEOUT_MS = 3000;

    private ReadinessChecks() {
    }

    /**
     * Adds {@code /health/live} and {@code /health/ready} to {@code router}. Live means the event
     * loop answers: it checks no dependency, so a backend outage never restarts the process.
     */
    public static void route(Router router, Vertx vertx, Backends backends) {
        router.get("/health/live").handler(rc -> rc.json(new JsonObject().put("status", "UP")));
        router.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(create(vertx, backends)));
    }

    public static HealthChecks create(Vertx vertx, Backends backends) {
        HealthChecks checks = HealthChecks.create(vertx);
        register(checks, POSTGRESQL, () -> backends.postgres().query("SELECT 1").execute().mapEmpty());
        register(checks, REDIS, () -> backends.redisApi().ping(List.of()).mapEmpty());
        register(checks, KAFKA, () -> backends.kafkaAdmin().describeCluster().mapEmpty());
        register(checks, ELASTICSEARCH, () -> InfraClients.onContext(vertx.getOrCreateContext(),
                () -> backends.elasticsearch().client().ping())
            .compose(answer -> answer.value() ? Future.succeededFuture() : Future.failedFuture("ping answered false")));
        return checks;
    }

    static void register(HealthChecks checks, String name, Supplier<Future<Void>> roundTrip) {
        // tryComplete: an answer after the check's timeout finds the check already answered (KO), and is dropped.
        checks.register(name, TIMEOUT_MS, promise -> roundTrip.get().onComplete(
            ok -> promise.tryComplete(Status.OK()),
            failure -> promise.tryComplete(Status.KO(new JsonObject().put("error", describe(failure))))));
    }

    private static String describe(Throwable failure) {
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
