package io.sagaway.gateway.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.sagaway.readmodel.ProjectionMetrics;
import io.sagaway.saga.SagaStatusCounts;
import io.sagaway.saga.domain.SagaStatus;
import io.sagaway.saga.stuck.StuckReason;
import io.sagaway.saga.stuck.StuckSagaDetector;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;

/**
 * The platform's metrics in Prometheus format: Vert.x's own (HTTP server, event bus, pools, JVM)
 * through Micrometer, plus GraphQL operation timings, saga counts by status and projection lag.
 */
public final class PlatformMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(PlatformMetrics.class);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<SagaStatus, AtomicLong> sagas = new EnumMap<>(SagaStatus.class);
    /** Fed by the gateway from the projectors' notifications, wherever the projectors run. */
    private final ProjectionMetrics projectionLag = new ProjectionMetrics();

    /**
     * The projection lag a gateway follows: registered as gauges only when a gateway asks for it,
     * so a process without one does not report a lag it never measures.
     */
    public ProjectionMetrics projectionLag() {
        if (registry.find("sagaway.projection.lag.last").gauge() == null) {
            Gauge.builder("sagaway.projection.lag.last", projectionLag, m -> Math.max(0, m.last()))
                .description("Milliseconds from an event's commit to its document in Elasticsearch, last measured").baseUnit("milliseconds")
                .register(registry);
            Gauge.builder("sagaway.projection.lag.p99", projectionLag, m -> Math.max(0, m.percentile(99)))
                .description("99th percentile of recent projection lags").baseUnit("milliseconds").register(registry);
        }
        return projectionLag;
    }

    /** A Vert.x builder with {@code options} that reports into this registry. */
    public VertxBuilder vertxBuilder(VertxOptions options) {
        return Vertx.builder()
            .with(options.setMetricsOptions(new MicrometerMetricsOptions().setEnabled(true).setJvmMetricsEnabled(true)))
            .withMetrics(new MicrometerMetricsFactory(registry));
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Counts sagas by status every {@code interval} (a gateway does; the figures are platform-wide, from PostgreSQL). */
    public void countSagas(Vertx vertx, Pool pool, Duration interval) {
        for (SagaStatus status : SagaStatus.values()) {
            if (sagas.containsKey(status)) {
                continue;
            }
            AtomicLong count = new AtomicLong();
            sagas.put(status, count);
            Gauge.builder("sagaway.sagas", count, AtomicLong::get).tag("status", status.name())
                .description("Sagas by status, in PostgreSQL").register(registry);
        }
        // Not the whole table each time: sagas in flight, and finished ones since the last refresh (see SagaStatusCounts).
        SagaStatusCounts counts = new SagaStatusCounts();
        AtomicBoolean refreshing = new AtomicBoolean();
        vertx.setPeriodic(0, interval.toMillis(), id -> {
            if (!refreshing.compareAndSet(false, true)) {
                return; // the last refresh is still under way
            }
            counts.refresh(pool)
                .onSuccess(byStatus -> byStatus.forEach((status, n) -> sagas.get(status).set(n)))
                .onFailure(e -> LOG.debug("saga counts not refreshed: {}", e.toString()))
                .onComplete(done -> refreshing.set(false));
        });
    }

    /**
     * Measures every {@code interval} how far each of the platform's consumer groups is behind the
     * end of its partitions (records not yet consumed), as {@code sagaway_kafka_consumer_lag{group}}.
     */
    public void measureConsumerLag(Vertx vertx, KafkaAdminClient admin, List<String> groups, Duration interval) {
        for (String group : groups) {
            AtomicLong lag = new AtomicLong();
            Gauge.builder("sagaway.kafka.consumer.lag", lag, AtomicLong::get).tag("group", group).strongReference(true)
                .description("Records on the group's partitions not yet consumed").register(registry);
            vertx.setPeriodic(0, interval.toMillis(), id -> admin.listConsumerGroupOffsets(group)
                .compose(committed -> {
                    if (committed.isEmpty()) {
                        return Future.succeededFuture(0L);
                    }
                    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
                    committed.keySet().forEach(tp -> latest.put(tp, OffsetSpec.LATEST));
                    return admin.listOffsets(latest).map(ends -> committed.entrySet().stream()
                        .mapToLong(e -> Math.max(0, ends.get(e.getKey()).getOffset() - e.getValue().getOffset())).sum());
                })
                .onSuccess(lag::set)
                .onFailure(e -> LOG.debug("consumer lag of {} not measured: {}", group, e.toString())));
        }
    }

    /**
     * Counts the stuck sagas by reason every {@code interval}, as {@code sagaway_stuck_sagas{reason}}
     * (a gateway does; the figures are platform-wide).
     */
    public void countStuckSagas(Vertx vertx, StuckSagaDetector detector, Duration stalledFor, Duration interval) {
        Map<StuckReason, AtomicLong> byReason = new EnumMap<>(StuckReason.class);
        for (StuckReason reason : StuckReason.values()) {
            AtomicLong count = new AtomicLong();
            byReason.put(reason, count);
            Gauge.builder("sagaway.stuck.sagas", count, AtomicLong::get).tag("reason", reason.name()).strongReference(true)
                .description("Sagas in flight that are not moving, by why (see the stuckSagas query)").register(registry);
        }
        AtomicBoolean refreshing = new AtomicBoolean();
        vertx.setPeriodic(0, interval.toMillis(), id -> {
            if (!refreshing.compareAndSet(false, true)) {
                return;
            }
            detector.detect(stalledFor)
                .onSuccess(stuck -> {
                    Map<StuckReason, Long> counted = new EnumMap<>(StuckReason.class);
                    stuck.forEach(s -> counted.merge(s.reason(), 1L, Long::sum));
                    byReason.forEach((reason, count) -> count.set(counted.getOrDefault(reason, 0L)));
                })
                .onFailure(e -> LOG.debug("stuck sagas not counted: {}", e.toString()))
                .onComplete(done -> refreshing.set(false));
        });
    }

    /** Counts open subscriptions (so a leak would show). */
    public void countSubscriptions(IntSupplier open) {
        // Micrometer holds a gauge's object weakly: keep this lambda alive.
        Gauge.builder("sagaway.graphql.subscriptions", open, s -> s.getAsInt()).strongReference(true)
            .description("Open GraphQL subscriptions in this gateway").register(registry);
    }

    /**
     * Records each update's fan-out in this gateway: from its first subscriber's message to its
     * last one's, handed to the sockets. A histogram, so that a benchmark can take percentiles over
     * exactly its own window (the difference of two scrapes).
     */
    public LongConsumer subscriptionFanOut() {
        Timer timer = Timer.builder("sagaway.subscriptions.fanout")
            .description("Per update: from its first subscriber's message to its last one's, in this gateway")
            .publishPercentileHistogram().minimumExpectedValue(Duration.ofNanos(100_000)).maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
        return nanos -> timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Times each GraphQL request over HTTP, tagged with its operation name (or "anonymous"). */
    public void timeGraphQL(RoutingContext rc) {
        long start = System.nanoTime();
        rc.addBodyEndHandler(v -> {
            String operation = "anonymous";
            try {
                JsonObject body = rc.body() == null ? null : rc.body().asJsonObject();
                if (body != null && body.getString("operationName") != null) {
                    operation = body.getString("operationName");
                }
            } catch (RuntimeException e) {
                operation = "unreadable";
            }
            Timer.builder("sagaway.graphql.requests").tag("operation", operation.length() > 64 ? operation.substring(0, 64) : operation)
                .tag("status", Integer.toString(rc.response().getStatusCode())).register(registry)
                .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        });
        rc.next();
    }
}
