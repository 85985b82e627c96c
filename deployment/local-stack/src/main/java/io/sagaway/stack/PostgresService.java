package io.sagaway.stack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * PostgreSQL from Debian's packages, with its own cluster under the stack folder. PostgreSQL
 * refuses to run as root; as root we run it in a new user namespace ({@code unshare -U}), where it
 * is not root but still owns the files it made, so the data stays in our folder.
 */
final class PostgresService extends LocalService {

    PostgresService(StackSettings settings) {
        super(settings);
    }

    @Override
    ServiceKind kind() {
        return ServiceKind.POSTGRESQL;
    }

    private Path dataDir() {
        return dir().resolve("data");
    }

    @Override
    ProcessHandle launch() throws IOException {
        Path bin = binDir();
        Files.createDirectories(dir());
        if (!Files.isRegularFile(dataDir().resolve("PG_VERSION"))) {
            initialise(bin);
        }
        List<String> command = asNonRoot(List.of(
            bin.resolve("postgres").toString(),
            "-D", dataDir().toString(),
            "-p", Integer.toString(port()),
            "-c", "listen_addresses=127.0.0.1",
            "-c", "unix_socket_directories=" + dir(),
            "-c", "max_connections=200"));
        return ManagedProcess.launch(dir(), log(), command, Map.of());
    }

    private void initialise(Path bin) throws IOException {
        Path passwordFile = dir().resolve("initdb.pw");
        Files.writeString(passwordFile, StackSettings.POSTGRES_PASSWORD + "\n");
        try {
            runToCompletion(asNonRoot(List.of(
                bin.resolve("initdb").toString(),
                "-D", dataDir().toString(),
                "-U", StackSettings.POSTGRES_USER,
                "--pwfile=" + passwordFile,
                "--auth=scram-sha-256",
                "--encoding=UTF8",
                "--locale=C.UTF-8")), Map.of(), 120);
        } finally {
            Files.deleteIfExists(passwordFile);
        }
    }

    @Override
    boolean ready() {
        try {
            Process check = new ProcessBuilder(binDir().resolve("pg_isready").toString(),
                "-q", "-h", "127.0.0.1", "-p", Integer.toString(port()), "-d", "postgres")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return check.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    void afterReady() {
        Path marker = dir().resolve("database-created");
        if (Files.exists(marker)) {
            return;
        }
        try {
            runToCompletion(List.of(binDir().resolve("psql").toString(),
                    "-h", "127.0.0.1", "-p", Integer.toString(port()), "-U", StackSettings.POSTGRES_USER,
                    "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qc",
                    "CREATE DATABASE " + StackSettings.POSTGRES_DATABASE),
                Map.of("PGPASSWORD", StackSettings.POSTGRES_PASSWORD), 60);
            Files.writeString(marker, "yes\n");
        } catch (IOException e) {
            throw new StackException("PostgreSQL: cannot create database " + StackSettings.POSTGRES_DATABASE, e);
        }
    }

    /** Fast shutdown: ends sessions instead of waiting for clients to leave. */
    @Override
    String stopSignal() {
        return "INT";
    }

    private static List<String> asNonRoot(List<String> command) {
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root) {
            return command;
        }
        if (!Files.isExecutable(Path.of("/usr/bin/unshare"))) {
            throw new StackException("PostgreSQL: refusing to run as root, and /usr/bin/unshare (package util-linux) "
                + "is missing to run it as a non-root user");
        }
        List<String> wrapped = new ArrayList<>(List.of("/usr/bin/unshare", "-U"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** SAGAWAY_STACK_POSTGRES_BIN, or the newest /usr/lib/postgresql/N/bin. */
    static Path binDir() {
        String configured = System.getenv("SAGAWAY_STACK_POSTGRES_BIN");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                var newest = versions
                    .filter(p -> Files.isExecutable(p.resolve("bin/postgres")))
                    .max(Comparator.comparingInt(p -> parseVersion(p.getFileName().toString())));
                if (newest.isPresent()) {
                    return newest.get().resolve("bin");
                }
            } catch (IOException e) {
                throw new StackException("PostgreSQL: cannot list " + root, e);
            }
        }
        throw new StackException("PostgreSQL: no server found under /usr/lib/postgresql; "
            + "install it with 'apt-get install -y postgresql' or set SAGAWAY_STACK_POSTGRES_BIN");
    }

    private static int parseVersion(String name) {
        try {
            return Integer.parseInt(name);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
