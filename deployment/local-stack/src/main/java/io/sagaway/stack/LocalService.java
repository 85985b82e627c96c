package io.sagaway.stack;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** How one service of the stack is prepared, launched, checked and stopped. */
abstract class LocalService {

    protected final StackSettings settings;

    LocalService(StackSettings settings) {
        this.settings = settings;
    }

    abstract ServiceKind kind();

    /** Creates what a first start needs (data folders, formats) and launches the server process. */
    abstract ProcessHandle launch() throws IOException;

    /** Whether the launched server is ready to serve the platform. */
    abstract boolean ready();

    /** Work that needs the running server, done once it is ready (for example creating a database). */
    void afterReady() {
    }

    /** The signal that makes this server shut down cleanly and quickly. */
    String stopSignal() {
        return "TERM";
    }

    /** Ports besides the main one that the server binds and that must therefore be free. */
    List<Integer> otherPorts() {
        return List.of();
    }

    final int port() {
        return settings.port(kind());
    }

    final Path dir() {
        return settings.serviceDir(kind());
    }

    final Path log() {
        return dir().resolve(kind().folder() + ".log");
    }

    /** Runs a short preparation command to completion, failing with its output. */
    final void runToCompletion(List<String> command, Map<String, String> environment, int timeoutSeconds)
        throws IOException {
        Path output = dir().resolve("prepare.log");
        ProcessBuilder builder = new ProcessBuilder(command)
            .directory(dir().toFile())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        try {
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new StackException(kind().displayName() + ": '" + String.join(" ", command)
                    + "' did not finish within " + timeoutSeconds + " s; its output:\n" + ManagedProcess.tail(output, 20));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new StackException(kind().displayName() + ": interrupted while preparing", e);
        }
        if (process.exitValue() != 0) {
            throw new StackException(kind().displayName() + ": '" + String.join(" ", command) + "' failed with exit code "
                + process.exitValue() + "; its output:\n" + ManagedProcess.tail(output, 20));
        }
    }

    final String java() {
        return settings.javaHome().resolve("bin/java").toString();
    }

    /** The classpath of one of the node modules under deployment/, built by Maven. */
    final String nodeClasspath(String module, boolean withOwnClasses) throws IOException {
        Path moduleDir = settings.home().resolve("deployment").resolve(module);
        Path file = moduleDir.resolve("target/classpath.txt");
        if (!Files.isRegularFile(file)) {
            throw new StackException(kind().displayName() + ": " + file + " is missing; build it first with "
                + "'mvn -q -f deployment/pom.xml package -DskipTests' (./run.sh and ./test.sh do this)");
        }
        String dependencies = Files.readString(file).trim();
        return withOwnClasses ? moduleDir.resolve("target/classes") + File.pathSeparator + dependencies : dependencies;
    }
}
