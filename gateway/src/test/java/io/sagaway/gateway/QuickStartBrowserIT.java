package io.sagaway.gateway;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's quick start as a newcomer runs it: the built jar started from the repository root
 * exactly as ./run.sh starts it (on its own port, schema, topics and indices, against the tests'
 * local stack), then the admin UI and GraphiQL opened in Chromium. The admin UI once answered 200
 * here with a blank page: its sources, found in the working folder, were served instead of its build.
 */
class QuickStartBrowserIT {

    private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path JAR = REPOSITORY.resolve("gateway/target/sagaway.jar");

    private static Process platform;
    private static Path log;
    private static int port;

    @BeforeAll
    static void startAsRunShDoes() throws Exception {
        assertThat(JAR).as("the runnable jar (mvn package)").isRegularFile();
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String schema = "it_qs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        log = Files.createTempFile("quickstart", ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-XX:+UseG1GC", "-Xmx1g", "-jar", "gateway/target/sagaway.jar", "--port",
            Integer.toString(port)).directory(REPOSITORY.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(Map.of("SAGAWAY_PG_SCHEMA", schema, "SAGAWAY_TOPIC_PREFIX", schema + ".",
            "SAGAWAY_INDEX_PREFIX", schema.replace('_', '-') + "-"));
        platform = builder.start();
        awaitReady();
    }

    private static void awaitReady() throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline && platform.isAlive()) {
            try {
                var ready = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the platform did not become ready:\n" + Files.readString(log));
    }

    @AfterAll
    static void stop() throws Exception {
        if (platform != null) {
            platform.destroy();
            if (!platform.waitFor(60, TimeUnit.SECONDS)) {
                platform.destroyForcibly();
            }
        }
    }

    @Test
    void theAdminUiAndGraphiqlWorkInChromium() throws Exception {
        BrowserTests.run("quickstart.e2e.ts", port, Map.of());
    }
}
