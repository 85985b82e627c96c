package io.sagaway.stack;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Chooses, service by service, between an external server named in the environment and the
 * local stack. Each service whose variable is unset comes from the local stack, reused if it
 * already answers, started otherwise. This is the platform's embedded default, and how the
 * integration tests find their services.
 */
public final class StackResolver {

    public static final String POSTGRES_URL = "SAGAWAY_PG_URL";
    public static final String REDIS_URL = "SAGAWAY_REDIS_URL";
    public static final String KAFKA_BOOTSTRAP_SERVERS = "SAGAWAY_KAFKA_BOOTSTRAP_SERVERS";
    public static final String ELASTICSEARCH_URL = "SAGAWAY_ELASTICSEARCH_URL";

    private static Resolution forTests;

    private StackResolver() {
    }

    /**
     * The endpoints in use, and what the local stack had to start for them.
     *
     * @param stack     null when every service is external
     * @param fromStack the services the local stack provides, started or reused
     * @param started   the services this resolution started, which {@link #stopStarted()} stops
     */
    public record Resolution(StackEndpoints endpoints, LocalStack stack, Set<ServiceKind> fromStack, Set<ServiceKind> started) {
        public void stopStarted() {
            if (stack != null && !started.isEmpty()) {
                stack.stop(started);
            }
        }

        /**
         * The local services that already answered and were reused: they stay running when this
         * process stops. Each is named with its port, and with its pid when an earlier start from
         * the same stack folder left it behind (a killed platform, say), which {@code stack.sh down} stops.
         */
        public List<String> reusedAndLeftRunning() {
            List<String> reused = new ArrayList<>();
            for (ServiceKind kind : fromStack) {
                if (!started.contains(kind)) {
                    reused.add(kind.displayName() + " on port " + stack.settings().port(kind) + stack.pid(kind)
                        .map(pid -> " (pid " + pid + ", left by an earlier start from " + stack.settings().dir() + ")")
                        .orElse(" (not started by this stack)"));
                }
            }
            return reused;
        }
    }

    public static Resolution resolve(Map<String, String> env) {
        Set<ServiceKind> local = EnumSet.noneOf(ServiceKind.class);
        if (blank(env.get(POSTGRES_URL))) {
            local.add(ServiceKind.POSTGRESQL);
        }
        if (blank(env.get(REDIS_URL))) {
            local.add(ServiceKind.REDIS);
        }
        if (blank(env.get(KAFKA_BOOTSTRAP_SERVERS))) {
            local.add(ServiceKind.KAFKA);
        }
        if (blank(env.get(ELASTICSEARCH_URL))) {
            local.add(ServiceKind.ELASTICSEARCH);
        }
        if (local.isEmpty()) {
            return new Resolution(external(env, null), null, Set.of(), Set.of());
        }
        LocalStack stack = new LocalStack(StackSettings.fromEnv(env));
        Set<ServiceKind> started = stack.up(local);
        return new Resolution(external(env, stack.endpoints()), stack, local, started);
    }

    /**
     * One resolution per JVM for integration tests: the variables {@code ./test.sh} sets, or
     * else the local stack, of which what was started here is stopped when the JVM exits.
     */
    public static synchronized StackEndpoints forTests() {
        if (forTests == null) {
            forTests = resolve(System.getenv());
            Resolution resolution = forTests;
            Runtime.getRuntime().addShutdownHook(new Thread(resolution::stopStarted, "test-stack-stop"));
        }
        return forTests.endpoints();
    }

    private static StackEndpoints external(Map<String, String> env, StackEndpoints local) {
        return new StackEndpoints(
            pick(env, POSTGRES_URL, local == null ? null : local.postgresUri()),
            pick(env, REDIS_URL, local == null ? null : local.redisUri()),
            pick(env, KAFKA_BOOTSTRAP_SERVERS, local == null ? null : local.kafkaBootstrap()),
            pick(env, ELASTICSEARCH_URL, local == null ? null : local.elasticsearchUrl()));
    }

    private static String pick(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return blank(value) ? fallback : value.trim();
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
