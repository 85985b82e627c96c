package io.sagaway.stack;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A service process this stack started, remembered by a pid file that also holds the process's
 * start instant, so a pid reused by the system for another program is never mistaken for ours.
 */
final class ManagedProcess {

    private static final String PID_FILE = "pid";

    private ManagedProcess() {
    }

    /**
     * Starts {@code command} in its own session (so a Ctrl-C meant for the caller's terminal does
     * not reach it), appending its output to {@code log}, and records it in {@code serviceDir}.
     */
    static ProcessHandle launch(Path serviceDir, Path log, List<String> command, Map<String, String> environment)
        throws IOException {
        Files.createDirectories(serviceDir);
        List<String> full = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
            full.add("/usr/bin/setsid");
        }
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full)
            .directory(serviceDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        ProcessHandle handle = process.toHandle();
        Instant started = handle.info().startInstant().orElse(Instant.EPOCH);
        Files.writeString(serviceDir.resolve(PID_FILE), handle.pid() + "\n" + started.toEpochMilli() + "\n");
        return handle;
    }

    /** The live process recorded in {@code serviceDir}, if the pid file names one that is still ours. */
    static Optional<ProcessHandle> recorded(Path serviceDir) {
        Path pidFile = serviceDir.resolve(PID_FILE);
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            long pid = Long.parseLong(lines.get(0).trim());
            long startMillis = Long.parseLong(lines.get(1).trim());
            return ProcessHandle.of(pid)
                .filter(ProcessHandle::isAlive)
                .filter(h -> h.info().startInstant().map(Instant::toEpochMilli).orElse(-1L) == startMillis);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static void forget(Path serviceDir) {
        try {
            Files.deleteIfExists(serviceDir.resolve(PID_FILE));
        } catch (IOException e) {
            throw new StackException("cannot delete the pid file in " + serviceDir, e);
        }
    }

    /** Sends {@code signal} (TERM, INT...), waits, and kills the process if it outlives {@code grace}. */
    static void stop(ProcessHandle handle, String signal, Duration grace) {
        try {
            new ProcessBuilder("kill", "-" + signal, Long.toString(handle.pid()))
                .redirectErrorStream(true).start().waitFor(5, TimeUnit.SECONDS);
            handle.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            handle.descendants().forEach(ProcessHandle::destroyForcibly);
            handle.destroyForcibly();
        } catch (IOException | ExecutionException e) {
            handle.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            handle.destroyForcibly();
        }
    }

    /** The last {@code count} lines of a log, for error messages. */
    static String tail(Path log, int count) {
        try {
            if (!Files.isRegularFile(log)) {
                return "(no log at " + log + ")";
            }
            List<String> lines = Files.readAllLines(log, StandardCharsets.ISO_8859_1);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - count), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
