package io.sagaway.outbox;

import io.sagaway.infra.InfraClients;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * Runs an {@link OutboxRelay}: woken by LISTEN/NOTIFY as soon as outbox rows commit, with a
 * polling fallback, draining batch after batch while there is work, and backing off
 * exponentially while Kafka or PostgreSQL fails. Published rows are deleted after a retention.
 */
public final class OutboxRelayVerticle extends VerticleBase {

    private static final long CLEANUP_INTERVAL_MS = 60_000;

    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelayVerticle.class);
    private static final long MAX_BACKOFF_MS = 10_000;

    /**
     * @param retention how long published rows are kept (for inspection) before deletion
     */
    public record Settings(String postgresUri, String schema, String kafkaBootstrapServers, int batchSize,
                           Duration pollInterval, Duration retention) {
    }

    private final Settings settings;
    private final OutboxRelay.AfterSend afterSend;
    private Pool pool;
    private KafkaProducer<String, String> producer;
    private PgSubscriber subscriber;
    private OutboxRelay relay;
    private boolean draining;
    private boolean wokenWhileDraining;
    private long backoffMs;
    private boolean stopped;

    public OutboxRelayVerticle(Settings settings) {
        this(settings, OutboxRelay.AfterSend.NOTHING);
    }

    /** With a hook between send and commit, for crash tests. */
    public OutboxRelayVerticle(Settings settings, OutboxRelay.AfterSend afterSend) {
        this.settings = settings;
        this.afterSend = afterSend;
    }

    @Override
    public Future<?> start() {
        pool = InfraClients.postgres(vertx, settings.postgresUri(), settings.schema(), 2);
        Map<String, String> config = InfraClients.kafkaProducerConfig(settings.kafkaBootstrapServers());
        // Fail a send within seconds while Kafka is down, so the batch rolls back and waits, instead of blocking a minute.
        config.put("max.block.ms", "5000");
        config.put("request.timeout.ms", "5000");
        config.put("delivery.timeout.ms", "10000");
        // A relay batch is sent at once: let the producer pack it into few, large requests.
        config.put("linger.ms", "1");
        config.put("batch.size", "262144");
        producer = KafkaProducer.create(vertx, config);
        relay = new OutboxRelay(vertx, pool, producer.unwrap(), settings.batchSize(), lockNamespace(settings.schema()), 15_000, afterSend);

        subscriber = PgSubscriber.subscriber(vertx, InfraClients.connectOptions(settings.postgresUri(), settings.schema()))
            .reconnectPolicy(retries -> 1000L);
        subscriber.channel(channel(settings.schema())).handler(payload -> wake());
        vertx.setPeriodic(settings.pollInterval().toMillis(), id -> wake());
        vertx.setPeriodic(CLEANUP_INTERVAL_MS, id -> deletePublished());
        return subscriber.connect()
            .recover(failure -> {
                // Polling still moves the rows; LISTEN reconnects by itself.
                LOG.warn("outbox relay cannot LISTEN yet ({}); relying on polling until it can", failure.getMessage());
                return Future.succeededFuture();
            })
            .onSuccess(v -> wake());
    }

    /** The NOTIFY channel of the outbox in {@code schema}, as the migration's trigger names it. */
    public static String channel(String schema) {
        return "outbox_" + schema;
    }

    /** Relays of one outbox table share their advisory-lock namespace; different schemas do not contend. */
    public static int lockNamespace(String schema) {
        return ("outbox:" + schema).hashCode();
    }

    private void wake() {
        if (stopped) {
            return;
        }
        if (draining) {
            wokenWhileDraining = true;
            return;
        }
        draining = true;
        drain();
    }

    private void drain() {
        relay.publishBatch().onComplete(batch -> {
            backoffMs = 0;
            // Go on while a shard gave all it was asked for. Otherwise every row committed before this
            // batch read was in it, and a row committed since has woken us (wokenWhileDraining): an
            // extra, empty batch after each one cost a transaction per wake-up (docs/benchmarks.md).
            if (batch.mayHaveMore() && !stopped) {
                drain();
                return;
            }
            draining = false;
            if (wokenWhileDraining) {
                wokenWhileDraining = false;
                wake();
            }
        }, failure -> {
            backoffMs = backoffMs == 0 ? 250 : Math.min(backoffMs * 2, MAX_BACKOFF_MS);
            LOG.warn("outbox relay could not publish ({}); rows stay pending, retrying in {} ms", failure.toString(), backoffMs);
            vertx.setTimer(backoffMs, id -> {
                draining = false;
                wake();
            });
        });
    }

    /** Deletes rows past their retention, a bounded batch at a time. */
    private void deletePublished() {
        Outbox.PUBLISHED.run(pool, Instant.now().minus(settings.retention()), () -> stopped)
            .onFailure(e -> LOG.warn("could not delete published outbox rows: {}", e.toString()));
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        return subscriber.close()
            .eventually(() -> producer.close())
            .eventually(() -> pool.close());
    }
}
