package io.sagaway.gateway.config;

import io.sagaway.gateway.auth.AuthService;
import io.sagaway.infra.InfraClients;
import io.sagaway.saga.domain.SagaPolicy;
import io.sagaway.stack.StackResolver;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The platform's configuration, typed once at start-up from environment variables and command
 * line flags (flags win). A bad value stops the start with a {@link ConfigException} that names
 * the setting. An external service left unset comes from the local stack (the embedded default).
 *
 * @param httpPort             SAGAWAY_HTTP_PORT / --port, default 8080
 * @param roles                SAGAWAY_ROLES / --roles, default all
 * @param postgresUrl          SAGAWAY_PG_URL, e.g. postgresql://user:password@host:5432/db
 * @param redisUrl             SAGAWAY_REDIS_URL, e.g. redis://host:6379
 * @param kafkaBootstrapServers SAGAWAY_KAFKA_BOOTSTRAP_SERVERS, e.g. host:9092,host2:9092
 * @param elasticsearchUrl     SAGAWAY_ELASTICSEARCH_URL, e.g. http://host:9200
 * @param postgresPoolSize     SAGAWAY_PG_POOL_SIZE, default 8
 * @param postgresSchema       SAGAWAY_PG_SCHEMA, default public: where the tables live (migrated at start-up)
 * @param kafkaPartitions      SAGAWAY_KAFKA_PARTITIONS, default 8: partitions of topics the platform creates
 * @param kafkaReplication     SAGAWAY_KAFKA_REPLICATION, default 1: their replication factor
 * @param snapshotEvery        SAGAWAY_SNAPSHOT_EVERY, default 50: events between order snapshots
 * @param relayBatchSize       SAGAWAY_RELAY_BATCH_SIZE, default 256: outbox rows per relay transaction
 * @param topicPrefix          SAGAWAY_TOPIC_PREFIX, default none: prefix of every topic and consumer group
 * @param indexPrefix          SAGAWAY_INDEX_PREFIX, default none: prefix of every Elasticsearch alias and index
 * @param shippingCountries    SAGAWAY_SHIPPING_COUNTRIES, default KR,US,JP,DE,GB,FR
 * @param demoData             SAGAWAY_DEMO_DATA, default true: load demo stock and accounts at the first start
 * @param sagaPolicy           SAGAWAY_SAGA_STEP_TIMEOUT_MS (10000), SAGAWAY_SAGA_RETRY_BUDGET_MS (300000),
 *                             SAGAWAY_SAGA_BACKOFF_MS (500), SAGAWAY_SAGA_FLAG_AFTER (5)
 * @param jwtSecret            SAGAWAY_JWT_SECRET: the HS256 key of tokens; empty means a random one per start
 * @param authUsers            SAGAWAY_AUTH_USERS: {@code name:password:role[+role][:customerId],...}; empty means the development users
 * @param maxRequestBytes      SAGAWAY_MAX_REQUEST_BYTES, default 65536
 * @param maxQueryDepth        SAGAWAY_GRAPHQL_MAX_DEPTH, default 12
 * @param maxQueryComplexity   SAGAWAY_GRAPHQL_MAX_COMPLEXITY, default 500
 * @param waitTimeoutMs        SAGAWAY_WAIT_TIMEOUT_MS, default 30000: how long placeOrder may wait for PROJECTED or COMPLETED
 * @param jwtPublicKey         SAGAWAY_JWT_PUBLIC_KEY: PEM public key of an external issuer (turns the built-in issuer off)
 * @param jwtAlgorithm         SAGAWAY_JWT_ALGORITHM, default RS256: the external issuer's algorithm
 * @param jwksUrl              SAGAWAY_JWT_JWKS_URL: JWKS of an external issuer (turns the built-in issuer off)
 * @param sendBufferBytes      SAGAWAY_HTTP_SEND_BUFFER_BYTES, default 0 (the OS tunes it, up to 4 MiB on Linux): the kernel's
 *                             send buffer per client connection, which bounds what a client that stops reading pins in the kernel
 * @param instanceId           SAGAWAY_INSTANCE_ID, default host name and HTTP port: this process's stable name in its Kafka
 *                             consumer groups (static membership), so a restart takes its partitions back at once
 * @param processedRetention   SAGAWAY_PROCESSED_RETENTION_HOURS, default 192 (8 days, beyond Kafka's default 7-day retention):
 *                             how long a processed message's idempotency record is kept
 * @param deadLetterRetention  SAGAWAY_DEAD_LETTER_RETENTION_DAYS, default 30: how long a dead letter is kept after it last failed
 * @param traceUiUrl           SAGAWAY_TRACE_UI_URL: a trace viewer's page for one trace, with {traceId} where its id goes (e.g.
 *                             Jaeger's http://jaeger:16686/trace/{traceId}); an order's lineage then links to its trace
 * @param lineageRetention     SAGAWAY_LINEAGE_RETENTION_HOURS, default 24: how long a published outbox row is kept, which is how
 *                             long an order's lineage shows its messages' publishing (topic, partition, offset, time); its
 *                             events, saga and consumers' records are kept as long as they are anyway
 * @param kafkaSessionTimeout  SAGAWAY_KAFKA_SESSION_TIMEOUT_MS, default 30000 (6000 to 1800000, the broker's bounds): how long
 *                             Kafka keeps a vanished process's partitions for it; a restart within it takes them back at once,
 *                             and a process that never returns holds its messages up that long before the others take them
 * @param cluster              SAGAWAY_CLUSTER_MEMBERS or SAGAWAY_CLUSTER_DNS and the settings beside them (see {@link Cluster}); absent by default: the
 *                             process runs alone, with a local event bus, and every role a request needs must run in it
 */
public record PlatformConfig(
    int httpPort,
    Set<Role> roles,
    Optional<String> postgresUrl,
    Optional<String> redisUrl,
    Optional<String> kafkaBootstrapServers,
    Optional<String> elasticsearchUrl,
    int postgresPoolSize,
    String postgresSchema,
    int kafkaPartitions,
    short kafkaReplication,
    int snapshotEvery,
    int relayBatchSize,
    String topicPrefix,
    String indexPrefix,
    Set<String> shippingCountries,
    boolean demoData,
    SagaPolicy sagaPolicy,
    String jwtSecret,
    List<AuthService.User> authUsers,
    long maxRequestBytes,
    int maxQueryDepth,
    int maxQueryComplexity,
    int waitTimeoutMs,
    Optional<String> jwtPublicKey,
    String jwtAlgorithm,
    Optional<String> jwksUrl,
    int sendBufferBytes,
    String instanceId,
    Duration processedRetention,
    Duration deadLetterRetention,
    Duration lineageRetention,
    Optional<String> traceUiUrl,
    Duration kafkaSessionTimeout,
    Optional<Cluster> cluster
) {
    /**
     * A clustered event bus: processes that list one another as members share one event bus, so a
     * request reaches its role in whichever process runs it.
     *
     * @param members      SAGAWAY_CLUSTER_MEMBERS: the members to join, {@code host[:port],...} (Hazelcast's TCP join; this
     *                     process may be among them); this or {@code serviceDns} turns clustering on
     * @param serviceDns   SAGAWAY_CLUSTER_DNS: on Kubernetes, a headless Service selecting every platform pod; its DNS name
     *                     answers the members' addresses (Hazelcast's Kubernetes discovery, DNS mode); empty when members are listed
     * @param name         SAGAWAY_CLUSTER_NAME, default sagaway: only processes with the same name join each other
     * @param host         SAGAWAY_CLUSTER_HOST, default 127.0.0.1: the address this process binds and gives the others, for
     *                     membership and for the event bus
     * @param port         SAGAWAY_CLUSTER_PORT, default 5701: the membership port (the next free one up to 20 above it is taken)
     * @param eventBusPort SAGAWAY_EVENTBUS_PORT, default 0 (any free port): where other members send this process's event-bus messages
     */
    public record Cluster(List<String> members, String serviceDns, String name, String host, int port, int eventBusPort) {
    }

    public static final String HTTP_PORT = "SAGAWAY_HTTP_PORT";
    public static final String ROLES = "SAGAWAY_ROLES";
    public static final String PG_URL = StackResolver.POSTGRES_URL;
    public static final String REDIS_URL = StackResolver.REDIS_URL;
    public static final String KAFKA_BOOTSTRAP_SERVERS = StackResolver.KAFKA_BOOTSTRAP_SERVERS;
    public static final String ELASTICSEARCH_URL = StackResolver.ELASTICSEARCH_URL;
    public static final String PG_POOL_SIZE = "SAGAWAY_PG_POOL_SIZE";
    public static final String PG_SCHEMA = "SAGAWAY_PG_SCHEMA";
    public static final String KAFKA_PARTITIONS = "SAGAWAY_KAFKA_PARTITIONS";
    public static final String KAFKA_REPLICATION = "SAGAWAY_KAFKA_REPLICATION";
    public static final String SNAPSHOT_EVERY = "SAGAWAY_SNAPSHOT_EVERY";
    public static final String RELAY_BATCH_SIZE = "SAGAWAY_RELAY_BATCH_SIZE";
    public static final String TOPIC_PREFIX = "SAGAWAY_TOPIC_PREFIX";
    public static final String INDEX_PREFIX = "SAGAWAY_INDEX_PREFIX";
    public static final String SHIPPING_COUNTRIES = "SAGAWAY_SHIPPING_COUNTRIES";
    public static final String DEMO_DATA = "SAGAWAY_DEMO_DATA";
    public static final String SAGA_STEP_TIMEOUT_MS = "SAGAWAY_SAGA_STEP_TIMEOUT_MS";
    public static final String SAGA_RETRY_BUDGET_MS = "SAGAWAY_SAGA_RETRY_BUDGET_MS";
    public static final String SAGA_BACKOFF_MS = "SAGAWAY_SAGA_BACKOFF_MS";
    public static final String SAGA_FLAG_AFTER = "SAGAWAY_SAGA_FLAG_AFTER";
    public static final String JWT_SECRET = "SAGAWAY_JWT_SECRET";
    public static final String AUTH_USERS = "SAGAWAY_AUTH_USERS";
    public static final String MAX_REQUEST_BYTES = "SAGAWAY_MAX_REQUEST_BYTES";
    public static final String GRAPHQL_MAX_DEPTH = "SAGAWAY_GRAPHQL_MAX_DEPTH";
    public static final String GRAPHQL_MAX_COMPLEXITY = "SAGAWAY_GRAPHQL_MAX_COMPLEXITY";
    public static final String WAIT_TIMEOUT_MS = "SAGAWAY_WAIT_TIMEOUT_MS";
    public static final String JWT_PUBLIC_KEY = "SAGAWAY_JWT_PUBLIC_KEY";
    public static final String JWT_ALGORITHM = "SAGAWAY_JWT_ALGORITHM";
    public static final String JWT_JWKS_URL = "SAGAWAY_JWT_JWKS_URL";
    public static final String HTTP_SEND_BUFFER_BYTES = "SAGAWAY_HTTP_SEND_BUFFER_BYTES";
    public static final String INSTANCE_ID = "SAGAWAY_INSTANCE_ID";
    public static final String PROCESSED_RETENTION_HOURS = "SAGAWAY_PROCESSED_RETENTION_HOURS";
    public static final String DEAD_LETTER_RETENTION_DAYS = "SAGAWAY_DEAD_LETTER_RETENTION_DAYS";
    public static final String LINEAGE_RETENTION_HOURS = "SAGAWAY_LINEAGE_RETENTION_HOURS";
    public static final String TRACE_UI_URL = "SAGAWAY_TRACE_UI_URL";
    public static final String KAFKA_SESSION_TIMEOUT_MS = "SAGAWAY_KAFKA_SESSION_TIMEOUT_MS";
    public static final String CLUSTER_MEMBERS = "SAGAWAY_CLUSTER_MEMBERS";
    public static final String CLUSTER_DNS = "SAGAWAY_CLUSTER_DNS";
    public static final String CLUSTER_NAME = "SAGAWAY_CLUSTER_NAME";
    public static final String CLUSTER_HOST = "SAGAWAY_CLUSTER_HOST";
    public static final String CLUSTER_PORT = "SAGAWAY_CLUSTER_PORT";
    public static final String EVENTBUS_PORT = "SAGAWAY_EVENTBUS_PORT";

    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** A host name or IPv4 address (cluster members, DNS names, the address to bind). */
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+");

    /** Reads the environment, then lets {@code --port N} and {@code --roles a,b} override it. */
    public static PlatformConfig load(Map<String, String> env, List<String> args) {
        Map<String, String> settings = new HashMap<>(env);
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            String value = i + 1 < args.size() ? args.get(i + 1) : null;
            switch (arg) {
                case "--port" -> settings.put(HTTP_PORT, require(arg, value));
                case "--roles" -> settings.put(ROLES, require(arg, value));
                default -> throw new ConfigException("unknown argument '" + arg + "'; expected --port N or --roles LIST");
            }
            i++;
        }
        return new PlatformConfig(
            port(HTTP_PORT, settings.getOrDefault(HTTP_PORT, "8080")),
            Role.parse(ROLES, settings.get(ROLES)),
            url(PG_URL, settings.get(PG_URL), Set.of("postgresql", "postgres")),
            url(REDIS_URL, settings.get(REDIS_URL), Set.of("redis", "rediss")),
            hostPorts(KAFKA_BOOTSTRAP_SERVERS, settings.get(KAFKA_BOOTSTRAP_SERVERS)),
            url(ELASTICSEARCH_URL, settings.get(ELASTICSEARCH_URL), Set.of("http", "https")),
            intBetween(PG_POOL_SIZE, settings.getOrDefault(PG_POOL_SIZE, "8"), 1, 1000),
            schema(settings.getOrDefault(PG_SCHEMA, "public")),
            intBetween(KAFKA_PARTITIONS, settings.getOrDefault(KAFKA_PARTITIONS, "8"), 1, 10_000),
            (short) intBetween(KAFKA_REPLICATION, settings.getOrDefault(KAFKA_REPLICATION, "1"), 1, 32),
            intBetween(SNAPSHOT_EVERY, settings.getOrDefault(SNAPSHOT_EVERY, "50"), 1, 1_000_000),
            intBetween(RELAY_BATCH_SIZE, settings.getOrDefault(RELAY_BATCH_SIZE, "256"), 1, 10_000),
            topicPrefix(settings.getOrDefault(TOPIC_PREFIX, "")),
            indexPrefix(settings.getOrDefault(INDEX_PREFIX, "")),
            countries(settings.getOrDefault(SHIPPING_COUNTRIES, "KR,US,JP,DE,GB,FR")),
            bool(DEMO_DATA, settings.getOrDefault(DEMO_DATA, "true")),
            sagaPolicy(settings),
            settings.getOrDefault(JWT_SECRET, ""),
            users(settings.getOrDefault(AUTH_USERS, "")),
            maxRequestBytes(settings.getOrDefault(MAX_REQUEST_BYTES, "65536")),
            intBetween(GRAPHQL_MAX_DEPTH, settings.getOrDefault(GRAPHQL_MAX_DEPTH, "12"), 2, 100),
            intBetween(GRAPHQL_MAX_COMPLEXITY, settings.getOrDefault(GRAPHQL_MAX_COMPLEXITY, "500"), 10, 100_000),
            intBetween(WAIT_TIMEOUT_MS, settings.getOrDefault(WAIT_TIMEOUT_MS, "30000"), 100, 600_000),
            publicKey(settings.get(JWT_PUBLIC_KEY)),
            algorithm(settings.getOrDefault(JWT_ALGORITHM, "RS256")),
            url(JWT_JWKS_URL, settings.get(JWT_JWKS_URL), Set.of("http", "https")),
            intBetween(HTTP_SEND_BUFFER_BYTES, settings.getOrDefault(HTTP_SEND_BUFFER_BYTES, "0"), 0, 64 * 1024 * 1024),
            instanceId(settings.get(INSTANCE_ID), settings.getOrDefault(HTTP_PORT, "8080")),
            Duration.ofHours(intBetween(PROCESSED_RETENTION_HOURS, settings.getOrDefault(PROCESSED_RETENTION_HOURS, "192"), 1, 100_000)),
            Duration.ofDays(intBetween(DEAD_LETTER_RETENTION_DAYS, settings.getOrDefault(DEAD_LETTER_RETENTION_DAYS, "30"), 1, 100_000)),
            Duration.ofHours(intBetween(LINEAGE_RETENTION_HOURS, settings.getOrDefault(LINEAGE_RETENTION_HOURS, "24"), 1, 100_000)),
            traceUi(settings.get(TRACE_UI_URL)),
            Duration.ofMillis(intBetween(KAFKA_SESSION_TIMEOUT_MS, settings.getOrDefault(KAFKA_SESSION_TIMEOUT_MS,
                Long.toString(InfraClients.DEFAULT_SESSION_TIMEOUT.toMillis())), 6_000, 1_800_000)),
            cluster(settings));
    }

    private static Optional<Cluster> cluster(Map<String, String> settings) {
        String members = settings.getOrDefault(CLUSTER_MEMBERS, "").trim();
        String dns = settings.getOrDefault(CLUSTER_DNS, "").trim();
        if (members.isEmpty() && dns.isEmpty()) {
            for (String setting : List.of(CLUSTER_NAME, CLUSTER_HOST, CLUSTER_PORT, EVENTBUS_PORT)) {
                if (settings.containsKey(setting)) {
                    throw new ConfigException(setting + " is set but neither " + CLUSTER_MEMBERS + " nor " + CLUSTER_DNS + " is: list "
                        + "the members to join (host[:port],...) or name their headless Service to run clustered, or unset " + setting);
                }
            }
            return Optional.empty();
        }
        if (!members.isEmpty() && !dns.isEmpty()) {
            throw new ConfigException("set " + CLUSTER_MEMBERS + " or " + CLUSTER_DNS + ", not both");
        }
        if (!dns.isEmpty() && !HOST.matcher(dns).matches()) {
            throw new ConfigException(CLUSTER_DNS + "='" + dns + "' is not a DNS name");
        }
        int port = port(CLUSTER_PORT, settings.getOrDefault(CLUSTER_PORT, "5701"));
        List<String> list = new ArrayList<>();
        for (String part : members.isEmpty() ? new String[0] : members.split(",")) {
            String member = part.trim();
            String[] hostPort = member.split(":");
            if (member.isEmpty() || hostPort.length > 2 || hostPort[0].isBlank() || !HOST.matcher(hostPort[0]).matches()) {
                throw new ConfigException(CLUSTER_MEMBERS + "='" + members + "' is not a list of host[:port]");
            }
            if (hostPort.length == 2) {
                port(CLUSTER_MEMBERS, hostPort[1]);
            }
            list.add(member);
        }
        String name = settings.getOrDefault(CLUSTER_NAME, "sagaway").trim();
        if (!name.matches("[A-Za-z0-9._-]{1,100}")) {
            throw new ConfigException(CLUSTER_NAME + "='" + name + "' must be 1 to 100 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
        }
        String host = settings.getOrDefault(CLUSTER_HOST, "127.0.0.1").trim();
        if (!HOST.matcher(host).matches()) {
            throw new ConfigException(CLUSTER_HOST + "='" + host + "' is not a host name or address");
        }
        return Optional.of(new Cluster(List.copyOf(list), dns, name, host, port,
            intBetween(EVENTBUS_PORT, settings.getOrDefault(EVENTBUS_PORT, "0"), 0, 65535)));
    }

    /** Whether any service must come from the local stack. */
    public boolean needsLocalStack() {
        return postgresUrl.isEmpty() || redisUrl.isEmpty() || kafkaBootstrapServers.isEmpty() || elasticsearchUrl.isEmpty();
    }

    private static SagaPolicy sagaPolicy(Map<String, String> settings) {
        Duration timeout = Duration.ofMillis(
            intBetween(SAGA_STEP_TIMEOUT_MS, settings.getOrDefault(SAGA_STEP_TIMEOUT_MS, "10000"), 100, 3_600_000));
        Duration backoff = Duration.ofMillis(
            intBetween(SAGA_BACKOFF_MS, settings.getOrDefault(SAGA_BACKOFF_MS, "500"), 10, 600_000));
        return new SagaPolicy(timeout,
            Duration.ofMillis(intBetween(SAGA_RETRY_BUDGET_MS, settings.getOrDefault(SAGA_RETRY_BUDGET_MS, "300000"), 0, 86_400_000)),
            backoff, backoff.multipliedBy(60).compareTo(Duration.ofSeconds(30)) > 0 ? backoff.multipliedBy(60)
                : Duration.ofSeconds(30),
            timeout, intBetween(SAGA_FLAG_AFTER, settings.getOrDefault(SAGA_FLAG_AFTER, "5"), 1, 1000));
    }

    private static String topicPrefix(String raw) {
        if (!raw.matches("[A-Za-z0-9._-]{0,100}")) {
            throw new ConfigException(TOPIC_PREFIX + "='" + raw + "' may hold only letters, digits, '.', '_' and '-'");
        }
        return raw;
    }

    /** Whether the built-in issuer serves the development users (the server then warns at start-up). */
    public boolean developmentUsers() {
        return !externalIssuer() && authUsers.equals(AuthService.DEVELOPMENT_USERS);
    }

    /** Whether tokens come from an external issuer (and the built-in one is off). */
    public boolean externalIssuer() {
        return jwtPublicKey.isPresent() || jwksUrl.isPresent();
    }

    private static Optional<String> publicKey(String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        if (!raw.contains("BEGIN PUBLIC KEY")) {
            throw new ConfigException(JWT_PUBLIC_KEY + " must be a PEM public key (-----BEGIN PUBLIC KEY-----...)");
        }
        return Optional.of(raw.trim());
    }

    private static String algorithm(String raw) {
        if (!Set.of("RS256", "RS384", "RS512", "ES256", "ES384", "ES512", "PS256", "PS384", "PS512").contains(raw)) {
            throw new ConfigException(JWT_ALGORITHM + "='" + raw + "' is not an asymmetric JWT algorithm such as RS256 or ES256");
        }
        return raw;
    }

    private static List<AuthService.User> users(String raw) {
        if (raw.isBlank()) {
            return AuthService.DEVELOPMENT_USERS;
        }
        List<AuthService.User> users = new ArrayList<>();
        for (String entry : raw.split(",")) {
            String[] parts = entry.trim().split(":");
            if (parts.length < 3 || parts.length > 4 || parts[0].isBlank() || parts[1].isBlank()) {
                throw new ConfigException(AUTH_USERS + ": '" + entry.trim() + "' is not name:password:role[+role][:customerId]");
            }
            Set<String> roles = Set.of(parts[2].split("\\+"));
            if (!Set.of("operator", "customer").containsAll(roles)) {
                throw new ConfigException(AUTH_USERS + ": roles of '" + parts[0] + "' must be operator and/or customer");
            }
            if (roles.contains("customer") && parts.length < 4) {
                throw new ConfigException(AUTH_USERS + ": customer '" + parts[0] + "' needs a customerId");
            }
            users.add(new AuthService.User(parts[0], parts[1], roles, parts.length == 4 ? parts[3] : null));
        }
        return List.copyOf(users);
    }

    private static String indexPrefix(String raw) {
        if (!raw.matches("[a-z0-9._-]{0,100}")) {
            throw new ConfigException(INDEX_PREFIX + "='" + raw + "' may hold only lower-case letters, digits, '.', '_' and '-'");
        }
        return raw;
    }

    private static Set<String> countries(String raw) {
        Set<String> codes = new TreeSet<>();
        for (String part : raw.split(",")) {
            String code = part.trim();
            if (!code.matches("[A-Z]{2}")) {
                throw new ConfigException(SHIPPING_COUNTRIES + "='" + raw + "': '" + code + "' is not an ISO 3166-1 alpha-2 code");
            }
            codes.add(code);
        }
        return Set.copyOf(codes);
    }

    private static boolean bool(String setting, String raw) {
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigException(setting + "='" + raw + "' is not true or false");
        };
    }

    private static String schema(String raw) {
        if (!SCHEMA.matcher(raw).matches()) {
            throw new ConfigException(PG_SCHEMA + "='" + raw + "' is not a schema name (lower-case letters, digits, '_')");
        }
        return raw;
    }

    private static String require(String flag, String value) {
        if (value == null || value.startsWith("--")) {
            throw new ConfigException(flag + " needs a value");
        }
        return value;
    }

    private static int port(String setting, String raw) {
        return intBetween(setting, raw, 1, 65535);
    }

    /** A name for this process that stays the same across its restarts: given, or the host's name and the HTTP port. */
    private static String instanceId(String given, String port) {
        if (given != null && !given.isBlank()) {
            if (!given.matches("[A-Za-z0-9._-]{1,100}")) {
                throw new ConfigException(INSTANCE_ID + "='" + given + "' must be 1 to 100 characters of A-Z, a-z, 0-9, '.', '_' or '-'");
            }
            return given;
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        return host + "-" + port.trim();
    }

    /** A request larger than a Kafka record could make messages the outbox relay can never send. */
    private static int maxRequestBytes(String raw) {
        int value = intBetween(MAX_REQUEST_BYTES, raw, 1024, Integer.MAX_VALUE);
        if (value > InfraClients.KAFKA_MAX_RECORD_BYTES) {
            throw new ConfigException(MAX_REQUEST_BYTES + "=" + value + " is more than the " + InfraClients.KAFKA_MAX_RECORD_BYTES
                + " bytes Kafka carries in one record (the producer's max.request.size and the broker's message.max.bytes): "
                + "an accepted request could become a message that cannot be sent. Choose at most " + InfraClients.KAFKA_MAX_RECORD_BYTES);
        }
        return value;
    }

    private static int intBetween(String setting, String raw, int min, int max) {
        try {
            int value = Integer.parseInt(raw.trim());
            if (value < min || value > max) {
                throw new NumberFormatException();
            }
            return value;
        } catch (NumberFormatException e) {
            throw new ConfigException(setting + "='" + raw + "' is not a whole number from " + min + " to " + max);
        }
    }

    private static Optional<String> traceUi(String raw) {
        Optional<String> template;
        try {
            // Checked as a URL with an id in place of the placeholder, which a URI cannot hold.
            template = url(TRACE_UI_URL, raw == null ? null : raw.replace("{traceId}", "0"), Set.of("http", "https")).map(u -> raw.trim());
        } catch (ConfigException e) {
            throw new ConfigException(TRACE_UI_URL + "='" + raw + "' is not a URL of the form http://host:port/...{traceId}...");
        }
        if (template.isPresent() && !template.get().contains("{traceId}")) {
            throw new ConfigException(TRACE_UI_URL + "='" + raw + "' has no {traceId} where a trace's id goes, e.g. "
                + "http://jaeger:16686/trace/{traceId}");
        }
        return template;
    }

    private static Optional<String> url(String setting, String raw, Set<String> schemes) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(raw.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!schemes.contains(scheme) || uri.getHost() == null) {
                throw new URISyntaxException(raw, "wrong scheme or no host");
            }
            return Optional.of(raw.trim());
        } catch (URISyntaxException e) {
            throw new ConfigException(setting + "='" + raw + "' is not a URL of the form "
                + schemes.stream().sorted().findFirst().orElseThrow() + "://host:port...");
        }
    }

    private static Optional<String> hostPorts(String setting, String raw) {
        if (raw == null || raw.isBlank()) {
            return Optional.empty();
        }
        for (String part : raw.split(",")) {
            String[] hostPort = part.trim().split(":");
            if (hostPort.length != 2 || hostPort[0].isBlank()) {
                throw new ConfigException(setting + "='" + raw + "' is not a list of host:port");
            }
            port(setting, hostPort[1]);
        }
        return Optional.of(raw.trim());
    }
}
