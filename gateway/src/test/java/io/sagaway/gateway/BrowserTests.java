package io.sagaway.gateway;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs a spec of the admin UI's Playwright suite (admin-ui/e2e) in Debian's Chromium against a running platform. */
final class BrowserTests {

    static final Path ADMIN_UI = Path.of("..", "admin-ui").toAbsolutePath().normalize();
    private static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("SAGAWAY_CHROMIUM", "/usr/bin/chromium"));

    private BrowserTests() {
    }

    /** Runs {@code spec} (a file under admin-ui/e2e) against the platform on {@code port}; fails with the suite's output. */
    static void run(String spec, int port, Map<String, String> env) throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium (./test.sh installs it with apt)").isExecutable();
        assertThat(ADMIN_UI.resolve("node_modules/playwright-core")).as("the admin UI's npm packages (npm ci)").isDirectory();
        Path log = Files.createTempFile("admin-ui-e2e", ".log");
        Map<String, String> environment = new HashMap<>(env);
        environment.putAll(Map.of("SAGAWAY_URL", "http://localhost:" + port, "SAGAWAY_CHROMIUM", CHROMIUM.toString(),
            "SAGAWAY_SCREENSHOTS", ADMIN_UI.resolve("target/e2e-screenshots").toString()));
        ProcessBuilder builder = new ProcessBuilder("npm", "run", "e2e", "--", "e2e/" + spec).directory(ADMIN_UI.toFile());
        builder.environment().putAll(environment);
        Process npm = builder.redirectErrorStream(true).redirectOutput(log.toFile()).start();
        npm.getOutputStream().close();
        boolean finished = npm.waitFor(8, TimeUnit.MINUTES);
        String output = Files.readString(log);
        System.out.println(output);
        if (!finished) {
            npm.descendants().forEach(ProcessHandle::destroyForcibly);
            npm.destroyForcibly();
        }
        assertThat(finished).as("the browser tests finish within 8 minutes").isTrue();
        assertThat(npm.exitValue()).as("browser tests:\n" + output).isZero();
        assertThat(output).contains("passed").doesNotContain("skipped");
    }
}
