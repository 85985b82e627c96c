package io.sagaway.gateway;

import io.sagaway.stack.StackResolver;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A rebuild whose process is killed mid-way. Before its lease, the row stayed RUNNING for ever:
 * readModelRebuild read running: true, every later rebuildReadModel was refused as already
 * running, and projectors kept writing into the orphan index.
 */
class RebuildRecoveryIT {

    private static final String STATUS = "{ readModelRebuild { running done total failure indices } }";

    @Test
    void aRebuildKilledMidWayIsSeenAbandonedAndTheNextOneRuns() throws Exception {
        try (PlatformProcess platform = PlatformProcess.start("it_rbk", Map.of())) {
            String admin = platform.token("admin");
            JsonObject started = platform.graphql(admin, "mutation { rebuildReadModel { running indices } }");
            assertThat(started.getJsonArray("errors")).as(started.encode()).isNull();
            // Registered, and within its 2 s settle before the replay: killed there, it never finishes.
            JsonObject registered = awaitStatus(platform, admin, s -> s.getBoolean("running") && !s.getJsonArray("indices").isEmpty(),
                Duration.ofSeconds(10));
            String orphan = registered.getJsonArray("indices").getString(0);
            platform.kill();

            platform.restart();
            admin = platform.token("admin");
            JsonObject abandoned = awaitStatus(platform, admin, s -> !s.getBoolean("running"), Duration.ofSeconds(90));
            assertThat(abandoned.getString("failure")).contains("abandoned");

            JsonObject again = platform.graphql(admin, "mutation { rebuildReadModel { running } }");
            assertThat(again.getJsonArray("errors")).as(again.encode()).isNull();
            JsonObject done = awaitStatus(platform, admin, s -> !s.getBoolean("running") && s.getString("failure") == null,
                Duration.ofSeconds(90));
            // The abandoned index was dropped, and its name made again for the rebuild that finished: the alias points at it.
            assertThat(done.getJsonArray("indices").getString(0)).isEqualTo(orphan);
            assertThat(aliasTarget(orphan.substring(0, orphan.lastIndexOf("_v")))).isEqualTo(orphan);
        }
    }

    private static JsonObject awaitStatus(PlatformProcess platform, String token, Predicate<JsonObject> wanted,
                                          Duration timeout) throws Exception {
        long deadline = System.currentTimeMillis() + timeout.toMillis();
        JsonObject status = null;
        while (System.currentTimeMillis() < deadline) {
            JsonObject answer = platform.graphql(token, STATUS);
            status = answer.getJsonObject("data").getJsonObject("readModelRebuild");
            if (status != null && wanted.test(status)) {
                return status;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("readModelRebuild never reached the wanted state; last: " + status);
    }

    /** The index an Elasticsearch alias points at. */
    private static String aliasTarget(String alias) throws Exception {
        String url = StackResolver.forTests().elasticsearchUrl();
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url + "/_alias/" + alias)).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        return new JsonObject(body).fieldNames().iterator().next();
    }
}
