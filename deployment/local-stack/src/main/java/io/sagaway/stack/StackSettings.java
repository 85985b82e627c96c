package io.sagaway.stack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Ports, folders and the JDK of the local stack, typed once from the environment.
 *
 * @param home                the repository root: where the Kafka and Elasticsearch node classpaths are built
 * @param dir                 the one folder that holds every service's data, logs and pid file
 * @param javaHome            the JDK (21+) that runs the Kafka and Elasticsearch JVMs
 * @param startTimeout        how long one service may take to become ready
 */
public record StackSettings(
    Path home,
    Path dir,
    Path javaHome,
    int postgresPort,
    int redisPort,
    int kafkaPort,
    int kafkaControllerPort,
    int elasticsearchPort,
    Duration startTimeout
) {
    public static final String POSTGRES_USER = "sagaway";
    public static final String POSTGRES_PASSWORD = "sagaway";
    public static final String POSTGRES_DATABASE = "sagaway";

    public StackSettings {
        for (int port : new int[] {postgresPort, redisPort, kafkaPort, kafkaControllerPort, elasticsearchPort}) {
            if (port < 1 || port > 65535) {
                throw new StackException("port " + port + " is not between 1 and 65535");
            }
        }
    }

    /** Settings from {@code SAGAWAY_*} variables, with the standard ports as defaults. */
    public static StackSettings fromEnv(Map<String, String> env) {
        Path home = env.containsKey("SAGAWAY_HOME")
            ? Path.of(env.get("SAGAWAY_HOME")).toAbsolutePath()
            : findHome(Path.of("").toAbsolutePath());
        Path dir = env.containsKey("SAGAWAY_STACK_DIR")
            ? Path.of(env.get("SAGAWAY_STACK_DIR")).toAbsolutePath()
            : home.resolve(".local-stack");
        Path javaHome = Path.of(env.getOrDefault("SAGAWAY_STACK_JAVA_HOME", System.getProperty("java.home")));
        return new StackSettings(
            home,
            dir,
            javaHome,
            port(env, "SAGAWAY_STACK_POSTGRES_PORT", 5432),
            port(env, "SAGAWAY_STACK_REDIS_PORT", 6379),
            port(env, "SAGAWAY_STACK_KAFKA_PORT", 9092),
            port(env, "SAGAWAY_STACK_KAFKA_CONTROLLER_PORT", 9093),
            port(env, "SAGAWAY_STACK_ELASTICSEARCH_PORT", 9200),
            Duration.ofSeconds(positive(env, "SAGAWAY_STACK_START_TIMEOUT_SECONDS", 120)));
    }

    public StackSettings withDir(Path newDir) {
        return new StackSettings(home, newDir.toAbsolutePath(), javaHome, postgresPort, redisPort, kafkaPort,
            kafkaControllerPort, elasticsearchPort, startTimeout);
    }

    public StackSettings withPorts(int postgres, int redis, int kafka, int kafkaController, int elasticsearch) {
        return new StackSettings(home, dir, javaHome, postgres, redis, kafka, kafkaController, elasticsearch, startTimeout);
    }

    public StackEndpoints endpoints() {
        return new StackEndpoints(
            "postgresql://%s:%s@127.0.0.1:%d/%s".formatted(POSTGRES_USER, POSTGRES_PASSWORD, postgresPort, POSTGRES_DATABASE),
            "redis://127.0.0.1:" + redisPort,
            "127.0.0.1:" + kafkaPort,
            "http://127.0.0.1:" + elasticsearchPort);
    }

    public int port(ServiceKind kind) {
        return switch (kind) {
            case POSTGRESQL -> postgresPort;
            case REDIS -> redisPort;
            case KAFKA -> kafkaPort;
            case ELASTICSEARCH -> elasticsearchPort;
        };
    }

    public Path serviceDir(ServiceKind kind) {
        return dir.resolve(kind.folder());
    }

    /** Walks up from {@code start} to the folder holding {@code deployment/es-node}: the repository root. */
    static Path findHome(Path start) {
        for (Path p = start; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("deployment/es-node/pom.xml"))) {
                return p;
            }
        }
        throw new StackException("cannot find the Sagaway repository above " + start
            + ": run from inside it or set SAGAWAY_HOME to its root");
    }

    private static int port(Map<String, String> env, String name, int fallback) {
        int value = positive(env, name, fallback);
        if (value > 65535) {
            throw new StackException(name + "=" + value + " is not a port (1..65535)");
        }
        return value;
    }

    private static int positive(Map<String, String> env, String name, int fallback) {
        String raw = env.get(name);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value < 1) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new StackException(name + "='" + raw + "' is not a positive whole number");
        }
    }
}
