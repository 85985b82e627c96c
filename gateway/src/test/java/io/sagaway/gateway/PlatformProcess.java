package io.sagaway.gateway;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The built jar run as its own process, exactly as ./run.sh runs it (the same command, from the
 * repository root), on a port, schema, topics and indices of the test's own, against the tests'
 * local stack. A test can kill it with SIGKILL and start it again on the same data.
 */
final class PlatformProcess implements AutoCloseable {

    static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();
    private static final Path JAR = REPOSITORY.resolve("gateway/target/sagaway.jar");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, String> env;
    private final int port;
    private final Path log;
    private Process process;

    private PlatformProcess(Map<String, String> env, int port) throws IOException {
        this.env = env;
        this.port = port;
        this.log = Files.createTempFile("platform", ".log");
    }

    /** A platform on fresh names (schema, topics, indices) made from {@code prefix}, plus {@code extraEnv}. */
    static PlatformProcess start(String prefix, Map<String, String> extraEnv) throws Exception {
        assertThat(JAR).as("the runnable jar (mvn package)").isRegularFile();
        String schema = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        Map<String, String> env = new HashMap<>(extraEnv);
        env.putAll(Map.of("SAGAWAY_PG_SCHEMA", schema, "SAGAWAY_TOPIC_PREFIX", schema + ".",
            "SAGAWAY_INDEX_PREFIX", schema.replace('_', '-') + "-"));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PlatformProcess platform = new PlatformProcess(env, port);
        platform.restart();
        return platform;
    }

    int port() {
        return port;
    }

    /** Starts the process (again, after a kill, on the same data) and waits until it is ready. */
    void restart() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder builder = new ProcessBuilder(java, "-XX:+UseG1GC", "-Xmx1g", "-jar", "gateway/target/sagaway.jar", "--port",
            Integer.toString(port)).directory(REPOSITORY.toFile()).redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        process = builder.start();
        process.getOutputStream().close();
        awaitReady();
    }

    private void awaitReady() throws Exception {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline && process.isAlive()) {
            try {
                var ready = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the platform did not become ready:\n" + output());
    }

    /** A token of the built-in issuer for a development user (password = name). */
    String token(String user) throws Exception {
        return post("/auth/token", null, new JsonObject().put("username", user).put("password", user)).getString("token");
    }

    /** A GraphQL operation over HTTP, answered as the client sees it (data and errors). */
    JsonObject graphql(String token, String query) throws Exception {
        return post("/graphql", token, new JsonObject().put("query", query));
    }

    private JsonObject post(String path, String token, JsonObject body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
            .header("content-type", "application/json").timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(body.encode()));
        if (token != null) {
            request.header("authorization", "Bearer " + token);
        }
        return new JsonObject(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    /** What the process printed, over all its starts. */
    String output() throws IOException {
        return Files.readString(log);
    }

    /** kill -9: no shutdown hook, no goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    @Override
    public void close() throws Exception {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
