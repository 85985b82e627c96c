package io.sagaway.infra;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.json.jackson.JacksonJsonpMapper;
import co.elastic.clients.transport.instrumentation.NoopInstrumentation;
import co.elastic.clients.transport.rest5_client.Rest5ClientTransport;
import co.elastic.clients.transport.rest5_client.low_level.Rest5Client;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.message.BasicHeader;

import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** Builds the clients of PostgreSQL, Redis, Kafka and Elasticsearch the same way for every verticle and test. */
public final class InfraClients {

    private InfraClients() {
    }

    public static Pool postgres(Vertx vertx, String uri, int maxSize) {
        return postgres(vertx, uri, null, maxSize);
    }

    /** A pool whose connections work in {@code schema} (search_path), or the server's default when null. */
    public static Pool postgres(Vertx vertx, String uri, String schema, int maxSize) {
        return PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(maxSize).setMaxWaitQueueSize(10_000))
            .connectingTo(connectOptions(uri, schema))
            .using(vertx)
            .build();
    }

    public static PgConnectOptions connectOptions(String uri, String schema) {
        PgConnectOptions options = PgConnectOptions.fromUri(uri).setCachePreparedStatements(true).setPipeliningLimit(256);
        if (schema != null) {
            options.addProperty("search_path", schema);
        }
        return options;
    }

    public static Redis redis(Vertx vertx, String uri) {
        // The default pool gives up at 24 waiters, far too few under load.
        return Redis.createClient(vertx, new RedisOptions()
            .setConnectionString(uri)
            .setMaxPoolSize(8)
            .setMaxPoolWaiting(10_000));
    }

    /** An idempotent producer: acks from all in-sync replicas, no duplicates or reordering on retry. */
    /** Largest record the platform sends to Kafka: the producer's max.request.size, and the broker's default message.max.bytes. */
    public static final int KAFKA_MAX_RECORD_BYTES = 1_048_576;

    public static Map<String, String> kafkaProducerConfig(String bootstrapServers) {
        Map<String, String> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        config.put("value.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        config.put("acks", "all");
        config.put("enable.idempotence", "true");
        config.put("max.in.flight.requests.per.connection", "5");
        config.put("linger.ms", "1");
        config.put("max.request.size", Integer.toString(KAFKA_MAX_RECORD_BYTES));
        return config;
    }

    /** The process's stable name for static group membership, or null for dynamic membership. */
    private static volatile String instanceId;
    private static final Map<String, AtomicInteger> MEMBERS_PER_GROUP = new ConcurrentHashMap<>();
    /**
     * How long the broker keeps a static member's partitions for it, by default. A restarted
     * process rejoins under the same name and gets them back at once, with no rebalance and no
     * wait; only a member that stays away this long has its partitions moved to the others, and
     * until then the messages on them wait (a killed process's sagas stand still that long).
     */
    public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(30);
    private static volatile Duration sessionTimeout = DEFAULT_SESSION_TIMEOUT;

    /**
     * Makes this process's consumers static members of their groups, named from {@code id} (stable
     * across restarts): after a crash, the restarted consumers take their partitions back at once
     * instead of waiting out the dead members' sessions. Two processes must not share an id.
     */
    public static void useStaticMembership(String id, Duration session) {
        instanceId = id;
        sessionTimeout = session;
    }

    /** A consumer that never commits on its own: offsets are committed explicitly, after the effect. */
    public static Map<String, String> kafkaConsumerConfig(String bootstrapServers, String groupId) {
        Map<String, String> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("group.id", groupId);
        config.put("key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        config.put("value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        config.put("enable.auto.commit", "false");
        config.put("auto.offset.reset", "earliest");
        config.put("isolation.level", "read_committed");
        String id = instanceId;
        if (id != null) {
            // The n-th consumer of a group in this process: deployments run in the same order at every start.
            int member = MEMBERS_PER_GROUP.computeIfAbsent(groupId, g -> new AtomicInteger()).getAndIncrement();
            config.put("group.instance.id", id + "." + groupId + "." + member);
            config.put("session.timeout.ms", Long.toString(sessionTimeout.toMillis()));
        }
        return config;
    }

    /** Whether a failure says a backing service (PostgreSQL, Redis, Kafka, Elasticsearch) could not be reached right now. */
    public static boolean isUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException || t instanceof ConnectionPoolTooBusyException
                || (t.getMessage() != null && (t.getMessage().contains("Connection refused") || t.getMessage().contains("Connection reset")
                || t.getMessage().contains("Pool closed") || t.getMessage().contains("closed connection")))) {
                return true;
            }
        }
        return false;
    }

    public static Map<String, String> kafkaAdminConfig(String bootstrapServers) {
        Map<String, String> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("request.timeout.ms", "5000");
        config.put("default.api.timeout.ms", "5000");
        return config;
    }

    /** The Elasticsearch client and the low-level REST client it owns; close the latter to free threads. */
    public record Elasticsearch(ElasticsearchAsyncClient client, Rest5Client restClient) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            restClient.close();
        }
    }

    /**
     * A client of the Elasticsearch at {@code url}; credentials in the URL
     * ({@code https://user:password@host:9200}, as an ECK cluster's {@code elastic} user) are sent
     * as HTTP basic authentication, not as part of the address.
     */
    public static Elasticsearch elasticsearch(String url) {
        URI uri = URI.create(url);
        Rest5Client rest;
        if (uri.getRawUserInfo() == null) {
            rest = Rest5Client.builder(uri).build();
        } else {
            String credentials = URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
            URI address = URI.create(uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort())
                + (uri.getRawPath() == null ? "" : uri.getRawPath()));
            rest = Rest5Client.builder(address).setDefaultHeaders(new Header[] {new BasicHeader("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))}).build();
        }
        // No span per Elasticsearch request: the client would otherwise find the OpenTelemetry API on the class path and report to
        // the global (no-op) one on every call; the projectors' and queries' own spans cover these requests.
        return new Elasticsearch(new ElasticsearchAsyncClient(new Rest5ClientTransport(rest, new JacksonJsonpMapper(), null,
            NoopInstrumentation.INSTANCE)), rest);
    }

    /**
     * Turns the client's {@code CompletableFuture} into a Vert.x future completed on the caller's
     * context, so callbacks run on the event loop rather than on the HTTP client's threads.
     */
    public static <T> Future<T> onContext(Context context, Supplier<? extends CompletionStage<T>> call) {
        return Futures.call(() -> Future.fromCompletionStage(call.get(), context));
    }
}
