package io.sagaway.bench;

import co.elastic.clients.elasticsearch.core.BulkRequest;
import co.elastic.clients.elasticsearch.core.BulkResponse;
import io.sagaway.infra.InfraClients;
import io.sagaway.messaging.JsonCodec;
import io.sagaway.stack.StackEndpoints;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The raw limits of the machine's services, measured in the same run as the figures quoted
 * against them: single-row PostgreSQL INSERT commits, Kafka produce (acks=all, idempotent) and
 * Elasticsearch bulk indexing. Each measure works on names of its own (a schema, a topic, an
 * index) and removes them afterwards. The measures block the calling thread: call them from
 * main (or a test), never from an event loop.
 */
final class RawLimits {

    private static final Logger LOG = LoggerFactory.getLogger(RawLimits.class);
    /** The platform's default PostgreSQL pool size per verticle instance. */
    static final int POSTGRES_CONNECTIONS = 8;
    static final int KAFKA_RECORD_BYTES = 200;
    static final int KAFKA_PARTITIONS = 8;
    static final int BULK_BATCH = 1000;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    /** What the services managed, per second. */
    record Figures(double postgresCommitsPerSecond, double kafkaRecordsPerSecond, double elasticsearchDocsPerSecond) {
    }

    private RawLimits() {
    }

    /** Measures each service for {@code phase}, one after the other, on scratch names removed afterwards. */
    static Figures measure(Vertx vertx, StackEndpoints services, Duration phase) {
        String scratch = Bench.scratchName();
        double postgres = postgresCommits(vertx, services.postgresUri(), scratch, phase);
        LOG.info("raw PostgreSQL INSERT commits: {}/s", Bench.rate(postgres));
        double kafka = kafkaProduce(vertx, services.kafkaBootstrap(), "bench." + scratch, phase);
        LOG.info("raw Kafka produce: {} records/s", Bench.rate(kafka));
        InfraClients.Elasticsearch es = InfraClients.elasticsearch(services.elasticsearchUrl());
        try {
            double bulk = elasticsearchBulk(es, vertx.getOrCreateContext(), scratch.replace('_', '-') + "-raw", Long.MAX_VALUE, phase);
            LOG.info("raw Elasticsearch bulk: {} docs/s", Bench.rate(bulk));
            return new Figures(postgres, kafka, bulk);
        } finally {
            closeQuietly(es);
        }
    }

    /** Single-row INSERT commits through a pool of {@link #POSTGRES_CONNECTIONS}, in a schema of its own dropped afterwards. */
    private static double postgresCommits(Vertx vertx, String uri, String schema, Duration phase) {
        Pool admin = InfraClients.postgres(vertx, uri, 1);
        Pool pool = InfraClients.postgres(vertx, uri, schema, POSTGRES_CONNECTIONS);
        try {
            Bench.await(admin.query("CREATE SCHEMA " + schema).execute(), STEP_TIMEOUT);
            return insertCommits(vertx, pool, POSTGRES_CONNECTIONS, phase).perSecond();
        } finally {
            Bench.await(pool.close(), STEP_TIMEOUT);
            Bench.await(admin.query("DROP SCHEMA IF EXISTS " + schema + " CASCADE").execute().eventually(admin::close), STEP_TIMEOUT);
        }
    }

    /**
     * Single-row INSERT commits of an order-sized JSON document from {@code lanes} concurrent
     * writers, into a table {@code raw_inserts} created in the pool's schema: the limit every
     * write-path figure is quoted against.
     */
    static ClosedLoop.Result insertCommits(Vertx vertx, Pool pool, int lanes, Duration phase) {
        Bench.await(pool.query("CREATE TABLE raw_inserts (id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, payload JSONB NOT NULL)")
            .execute(), STEP_TIMEOUT);
        JsonObject payload = orderSizedPayload();
        return ClosedLoop.run(vertx, lanes, phase, () -> pool
            .preparedQuery("INSERT INTO raw_inserts (payload) VALUES ($1)").execute(Tuple.of(payload)));
    }

    /**
     * Records of {@link #KAFKA_RECORD_BYTES} bytes sent as fast as the producer takes them for
     * {@code phase}, then flushed: acknowledged records per second, the flush included. The
     * producer is the platform's (acks=all, idempotent); its buffer is kept small so the flush
     * after the phase stays short. The topic is created fresh and deleted afterwards.
     */
    static double kafkaProduce(Vertx vertx, String bootstrap, String topic, Duration phase) {
        Bench.createTopic(vertx, bootstrap, topic, KAFKA_PARTITIONS);
        Map<String, Object> config = new HashMap<>(InfraClients.kafkaProducerConfig(bootstrap));
        config.put("buffer.memory", Integer.toString(4 * 1024 * 1024));
        config.put("max.block.ms", "10000");
        config.put("request.timeout.ms", "10000");
        config.put("delivery.timeout.ms", "30000");
        String value = "x".repeat(KAFKA_RECORD_BYTES);
        AtomicLong acknowledged = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstFailure = new AtomicReference<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config)) {
            long start = System.nanoTime();
            long end = start + phase.toNanos();
            for (long sent = 0; System.nanoTime() < end; sent++) {
                producer.send(new ProducerRecord<>(topic, "order-" + (sent % 10_000), value), (metadata, error) -> {
                    if (error == null) {
                        acknowledged.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                        firstFailure.compareAndSet(null, error);
                    }
                });
            }
            producer.flush();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (failed.get() > 0) {
                LOG.warn("raw Kafka produce: {} records failed, the first with {}", failed.get(), firstFailure.get().toString());
            }
            return acknowledged.get() / seconds;
        } finally {
            Bench.deleteTopic(vertx, bootstrap, topic);
        }
    }

    /**
     * Small documents bulk-indexed in batches of {@link #BULK_BATCH}, one batch at a time, until
     * {@code maxDocs} are written or {@code maxTime} has passed: documents per second. The index
     * is created by the first batch and deleted afterwards.
     */
    static double elasticsearchBulk(InfraClients.Elasticsearch es, Context context, String index, long maxDocs, Duration maxTime) {
        long start = System.nanoTime();
        long end = start + maxTime.toNanos();
        long written = 0;
        try {
            while (written < maxDocs && System.nanoTime() < end) {
                BulkRequest request = bulkOf(index, written, (int) Math.min(BULK_BATCH, maxDocs - written));
                BulkResponse response = Bench.await(InfraClients.onContext(context, () -> es.client().bulk(request)), STEP_TIMEOUT);
                if (response.errors()) {
                    throw new IllegalStateException("raw Elasticsearch bulk: some documents of " + index + " were refused");
                }
                written += request.operations().size();
            }
            return written / ((System.nanoTime() - start) / 1e9);
        } finally {
            Bench.await(InfraClients.onContext(context, () -> es.client().indices().delete(d -> d.index(index).ignoreUnavailable(true))),
                STEP_TIMEOUT);
        }
    }

    private static BulkRequest bulkOf(String index, long from, int count) {
        BulkRequest.Builder bulk = new BulkRequest.Builder();
        for (long i = from; i < from + count; i++) {
            String id = "doc-" + i;
            Map<String, Object> doc = JsonCodec.plain(new JsonObject().put("id", id).put("customerId", "customer-" + (i % 500))
                .put("status", "RESERVED").put("totalMinor", 1000 + i % 5000).put("createdAt", Instant.now().toString()));
            bulk.operations(op -> op.index(x -> x.index(index).id(id).document(doc)));
        }
        return bulk.build();
    }

    /** About the size of an OrderPlaced with two items. */
    static JsonObject orderSizedPayload() {
        return new JsonObject()
            .put("customerId", "alice")
            .put("items", new JsonArray()
                .add(new JsonObject().put("sku", "SKU-1").put("quantity", 2).put("unitPrice", "49.90"))
                .add(new JsonObject().put("sku", "SKU-2").put("quantity", 1).put("unitPrice", "15.00")))
            .put("shippingAddress", new JsonObject().put("line1", "1 Sejong-daero").put("city", "Seoul")
                .put("postalCode", "04524").put("country", "KR"))
            .put("currency", "KRW")
            .put("totalAmount", "114.80");
    }

    private static void closeQuietly(InfraClients.Elasticsearch es) {
        try {
            es.close();
        } catch (Exception e) {
            LOG.warn("closing the Elasticsearch client failed: {}", e.toString());
        }
    }
}
