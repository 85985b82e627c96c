package io.sagaway.gateway;

import io.sagaway.gateway.config.ConfigException;
import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.infra.Migrations;
import io.sagaway.messaging.Addresses;
import io.sagaway.readmodel.ReadModelVerticle;
import io.sagaway.stack.StackResolver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Rebuilds the read model from the command line, with the platform's configuration, printing
 * progress until it is done. A running platform keeps serving queries; its projectors write to
 * the new index too until the alias moves. Exit code 0 when done, 1 when it failed.
 */
public final class RebuildReadModel {

    private static final Logger LOG = LoggerFactory.getLogger(RebuildReadModel.class);

    private RebuildReadModel() {
    }

    public static void main(String[] args) throws Exception {
        PlatformConfig config;
        try {
            config = PlatformConfig.load(System.getenv(), List.of());
        } catch (ConfigException e) {
            LOG.error("Configuration error: {}", e.getMessage());
            System.exit(2);
            return;
        }
        StackResolver.Resolution services = StackResolver.resolve(System.getenv());
        Platform platform = new Platform(config, Platform.endpoints(services.endpoints()));
        Vertx vertx = Vertx.vertx();
        int code = 1;
        try {
            Migrations.apply(services.endpoints().postgresUri(), config.postgresSchema());
            ReadModelVerticle.Settings settings = platform.readModelSettings();
            vertx.deployVerticle(new ReadModelVerticle(settings)).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            JsonObject status = request(vertx, "Rebuild");
            while (status.getBoolean("running")) {
                LOG.info(String.format(Locale.ROOT, "rebuilding: %d of %d (%.0f/s, about %.0f s left)", status.getLong("done"),
                    status.getLong("total"), status.getDouble("ratePerSecond"), status.getDouble("etaSeconds")));
                Thread.sleep(1000);
                status = request(vertx, "RebuildStatus");
            }
            if (status.getString("failed") == null) {
                LOG.info("read model rebuilt: {} items; now serving {}", status.getLong("done"),
                    status.getJsonArray("parts").stream().map(p -> ((JsonObject) p).getString("targetIndex")).toList());
                code = 0;
            } else {
                LOG.error("rebuild failed: {}", status.getString("failed"));
            }
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            services.stopStarted();
        }
        System.exit(code);
    }

    private static JsonObject request(Vertx vertx, String action) throws Exception {
        return vertx.eventBus().<JsonObject>request(Addresses.READ_MODEL_COMMANDS, new JsonObject().put("action", action))
            .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).body();
    }
}
