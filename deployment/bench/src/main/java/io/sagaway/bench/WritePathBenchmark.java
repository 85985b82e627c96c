package io.sagaway.bench;

import io.sagaway.eventstore.EventStore;
import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.infra.InfraClients;
import io.sagaway.infra.Migrations;
import io.sagaway.messaging.Envelope;
import io.sagaway.outbox.Outbox;
import io.sagaway.outbox.OutboxMessage;
import io.sagaway.outbox.OutboxRelayVerticle;
import io.sagaway.stack.StackResolver;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Measures the write path on this machine, and the raw limit it stands on, in one run:
 * single-row INSERT commits (the raw limit), event appends with their outbox rows one event per
 * transaction and ten per transaction, and the relay's publish rate to Kafka. Prints figures;
 * asserts nothing. Arguments: {@code --seconds N} per phase (default 10), {@code --lanes N}
 * concurrent writers (default 8, the pool size), {@code --relay-batch N} rows per relay
 * transaction (default 1024), {@code --no-notify} to drop the outbox's NOTIFY trigger and see
 * what it costs the writers.
 */
public final class WritePathBenchmark {

    private static final int BATCH = 10;
    private static final EventStore STORE = new EventStore();

    private WritePathBenchmark() {
    }

    public static void main(String[] args) {
        List<String> arguments = Arrays.asList(args);
        Duration phase = Duration.ofSeconds(Bench.intArg(arguments, "--seconds", 10));
        int lanes = Bench.intArg(arguments, "--lanes", 8);
        int relayBatch = Bench.intArg(arguments, "--relay-batch", 1024);
        StackResolver.Resolution services = StackResolver.resolve(System.getenv());
        Vertx vertx = Vertx.vertx();
        String schema = Bench.scratchName();
        String pgUri = services.endpoints().postgresUri();
        String kafka = services.endpoints().kafkaBootstrap();
        try {
            Migrations.apply(pgUri, schema);
            Pool pool = InfraClients.postgres(vertx, pgUri, schema, lanes);
            if (arguments.contains("--no-notify")) {
                // Measures what the relay's LISTEN/NOTIFY wake-up costs the writers (the relay then polls).
                Bench.await(pool.query("DROP TRIGGER outbox_inserted ON outbox").execute(), Duration.ofSeconds(10));
            }
            String topic = "bench." + schema;
            Bench.createTopic(vertx, kafka, topic, 8);
            JsonObject payload = RawLimits.orderSizedPayload();

            Bench.print("Write-path benchmark: " + phase.toSeconds() + " s per phase, " + lanes + " concurrent writers, pool of "
                + lanes + ", PostgreSQL " + pgUri.replaceAll("//[^@]*@", "//") + ", Kafka " + kafka
                + (arguments.contains("--no-notify") ? ", outbox NOTIFY trigger dropped" : ""));
            ClosedLoop.Result raw = RawLimits.insertCommits(vertx, pool, lanes, phase);
            Bench.print(String.format("%-52s %10s commits/s", "raw single-row INSERT commits (the limit)", Bench.rate(raw.perSecond())));

            ClosedLoop.Result single = ClosedLoop.run(vertx, lanes, phase,
                () -> pool.withTransaction(tx -> append(tx, UUID.randomUUID().toString(), 1, topic, payload)));
            Bench.print(String.format("%-52s %10s appends/s   (%.2f of raw)", "event append + outbox row, 1 per transaction",
                Bench.rate(single.perSecond()), single.perSecond() / raw.perSecond()));

            ClosedLoop.Result batched = ClosedLoop.run(vertx, lanes, phase,
                () -> pool.withTransaction(tx -> append(tx, UUID.randomUUID().toString(), BATCH, topic, payload)));
            Bench.print(String.format("%-52s %10s events/s    (%s transactions/s, %.2f of raw)",
                "event appends + outbox rows, " + BATCH + " per transaction", Bench.rate(batched.perSecond() * BATCH),
                Bench.rate(batched.perSecond()), batched.perSecond() * BATCH / raw.perSecond()));

            long pending = count(pool, "SELECT count(*) FROM outbox WHERE published_at IS NULL");
            Instant relayStart = Instant.now();
            Bench.await(vertx.deployVerticle(new OutboxRelayVerticle(new OutboxRelayVerticle.Settings(pgUri, schema, kafka, relayBatch,
                Duration.ofMillis(200), Duration.ofHours(1)))), Duration.ofSeconds(30));
            while (count(pool, "SELECT count(*) FROM outbox WHERE published_at IS NULL") > 0) {
                sleep(50);
            }
            double relaySeconds = Duration.between(relayStart, Instant.now()).toNanos() / 1e9;
            Bench.print(String.format("%-52s %10s messages/s  (%,d rows in %.1f s, batches of %d, acks=all, idempotent)",
                "outbox relay publish to Kafka", Bench.rate(pending / relaySeconds), pending, relaySeconds, relayBatch));
            if (raw.failed() + single.failed() + batched.failed() > 0) {
                Bench.print("failed operations: raw " + raw.failed() + ", single " + single.failed() + ", batched " + batched.failed());
            }
            Bench.await(Future.all(vertx.deploymentIDs().stream().map(vertx::undeploy).toList()), Duration.ofSeconds(30));
            Bench.await(pool.query("DROP SCHEMA " + schema + " CASCADE").execute(), Duration.ofSeconds(60));
            Bench.deleteTopic(vertx, kafka, topic);
        } finally {
            Bench.await(vertx.close(), Duration.ofSeconds(30));
            services.stopStarted();
        }
    }

    private static Future<Void> append(SqlConnection tx, String stream, int events, String topic, JsonObject payload) {
        Instant at = Instant.now();
        List<EventStore.NewEvent> batch = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            batch.add(new EventStore.NewEvent(UUID.randomUUID(), "BenchEvent", payload));
        }
        MessageMetadata meta = new MessageMetadata(stream, stream);
        return STORE.append(tx, "Order", stream, 0, batch, meta, at).compose(stored -> Outbox.insert(tx, stored.stream()
            .map(e -> new OutboxMessage(topic, new Envelope(e.eventId().toString(), e.type(), "Order", stream, e.version(),
                stream, stream, at, payload)))
            .toList()));
    }

    private static long count(Pool pool, String sql) {
        return Bench.await(pool.query(sql).execute(), Duration.ofSeconds(30)).iterator().next().getLong(0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
