package io.sagaway.readmodel;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.sagaway.infra.InfraClients;
import io.sagaway.messaging.DeadLetters;
import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.JsonCodec;
import io.sagaway.messaging.ReliableConsumer;
import io.sagaway.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Feeds a projector whole poll batches (so it can index in bulk) and commits the batch's offsets
 * only after the projector's writes were acknowledged. When a batch fails (Elasticsearch down),
 * the consumer rewinds to the batch's start, backs off exponentially, and tries again: it pauses,
 * and loses nothing. Projectors are idempotent by version, so a retried batch is harmless.
 *
 * <p>What can never be projected (an unreadable record, an event whose document Elasticsearch
 * refuses for good) is set aside as a dead letter with its reason, visible to operators and
 * redrivable, before the batch's offsets are committed: the partition moves on.
 */
public final class ProjectionConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ProjectionConsumer.class);
    private static final long MAX_BACKOFF_MS = 10_000;
    /** How long the broker may hold a fetch to fill it: added to projection lag at low rates, well within its 1 s target. */
    static final int BATCH_WAIT_MS = 100;
    static final int BATCH_MIN_BYTES = 256 * 1024;

    /** Projects one batch; completes once the documents are durable in Elasticsearch, with the events it set aside. */
    @FunctionalInterface
    public interface BatchHandler {
        Future<List<SetAside>> project(List<Envelope> batch);
    }

    /** An event a projector cannot project, and why. */
    public record SetAside(Envelope event, String reason) {
    }

    private final Vertx vertx;
    private final String group;
    private final List<String> topics;
    private final String bootstrapServers;
    private final BatchHandler handler;
    private final DeadLetters deadLetters;
    private KafkaConsumer<String, String> consumer;
    private volatile boolean stopped;
    private final Promise<Void> ended = Promise.promise();
    private long backoffMs;

    public ProjectionConsumer(Vertx vertx, String group, List<String> topics, String bootstrapServers, BatchHandler handler,
                              DeadLetters deadLetters) {
        this.vertx = vertx;
        this.group = group;
        this.topics = topics;
        this.bootstrapServers = bootstrapServers;
        this.handler = handler;
        this.deadLetters = deadLetters;
    }

    public Future<Void> start() {
        Map<String, String> config = InfraClients.kafkaConsumerConfig(bootstrapServers, group);
        config.put("max.poll.records", "1000");
        // Let the broker gather up to BATCH_WAIT_MS of events per fetch: each batch costs a few
        // Elasticsearch requests whatever its size, so a steady trickle of one-event batches cost
        // more CPU (in Elasticsearch and here) than the indexing itself (docs/benchmarks.md).
        config.put("fetch.min.bytes", Integer.toString(BATCH_MIN_BYTES));
        config.put("fetch.max.wait.ms", Integer.toString(BATCH_WAIT_MS));
        consumer = KafkaConsumer.create(vertx, config);
        return consumer.subscribe(new HashSet<>(topics)).onSuccess(v -> poll());
    }

    public Future<Void> stop() {
        stopped = true;
        return ended.future().eventually(() -> consumer.close());
    }

    private void poll() {
        if (stopped) {
            ended.tryComplete();
            return;
        }
        consumer.poll(Duration.ofMillis(50)).compose(this::project).onComplete(done -> {
            if (done.succeeded()) {
                backoffMs = 0;
                poll();
            } else {
                backoffMs = backoffMs == 0 ? 250 : Math.min(backoffMs * 2, MAX_BACKOFF_MS);
                LOG.warn("projector {}: batch not projected ({}); rewinding, retrying in {} ms", group, done.cause().toString(), backoffMs);
                vertx.setTimer(backoffMs, id -> poll());
            }
        });
    }

    private Future<Void> project(KafkaConsumerRecords<String, String> records) {
        if (records.isEmpty()) {
            return Future.succeededFuture();
        }
        Map<TopicPartition, Long> first = new LinkedHashMap<>();
        Map<TopicPartition, Long> last = new LinkedHashMap<>();
        List<Envelope> batch = new ArrayList<>(records.size());
        Map<Envelope, KafkaConsumerRecord<String, String>> recordOf = new IdentityHashMap<>();
        List<Future<?>> unreadable = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, String> r = records.recordAt(i);
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            first.putIfAbsent(tp, r.offset());
            last.put(tp, r.offset());
            try {
                Envelope envelope = Envelope.fromJson(r.value());
                batch.add(envelope);
                recordOf.put(envelope, r);
            } catch (JsonCodec.MalformedMessageException e) {
                unreadable.add(setAside(r, null, "unreadable record: " + e.getMessage()));
            }
        }
        List<Span> spans = traced(batch, recordOf);
        return Future.all(unreadable)
            .compose(v -> handler.project(batch))
            .compose(setAside -> Future.all(setAside.stream()
                .map(s -> setAside(recordOf.get(s.event()), s.event().messageId(), s.reason())).toList()))
            .compose(v -> {
                Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
                last.forEach((tp, offset) -> offsets.put(tp, new OffsetAndMetadata(offset + 1, "")));
                return consumer.commit(offsets).<Void>mapEmpty();
            })
            .onComplete(done -> spans.forEach(span -> Tracing.end(span, done.cause())))
            .recover(failure -> {
                List<Future<Void>> rewinds = new ArrayList<>();
                first.forEach((tp, offset) -> rewinds.add(consumer.seek(tp, offset)));
                return Future.all(rewinds).transform(v -> Future.failedFuture(failure));
            });
    }

    /**
     * With tracing on, a span for the batch's bulk write, linked to each event's trace, and one per
     * event continuing its trace (the projection is the last hop of an order's write path).
     */
    private List<Span> traced(List<Envelope> batch, Map<Envelope, KafkaConsumerRecord<String, String>> recordOf) {
        if (!Tracing.enabled() || batch.isEmpty()) {
            return List.of();
        }
        List<Span> spans = new ArrayList<>(batch.size() + 1);
        List<String> parents = new ArrayList<>(batch.size());
        for (Envelope e : batch) {
            KafkaConsumerRecord<String, String> r = recordOf.get(e);
            String parent = ReliableConsumer.header(r, Tracing.TRACEPARENT);
            parents.add(parent);
            spans.add(Tracing.span("project " + e.type(), SpanKind.CONSUMER, parent).setAttribute(Tracing.CONSUMER_GROUP, group)
                .setAttribute(Tracing.DESTINATION, r.topic()).setAttribute(Tracing.ORDER_ID, e.aggregateId())
                .setAttribute(Tracing.MESSAGE_ID, e.messageId()).setAttribute(Tracing.MESSAGE_TYPE, e.type()).startSpan());
        }
        spans.add(Tracing.batch("bulk " + group, parents, batch.size()));
        return spans;
    }

    /** Stores a record as a dead letter of this projector (the same message again updates its letter). */
    private Future<?> setAside(KafkaConsumerRecord<String, String> record, String messageId, String reason) {
        LOG.warn("projector {}: setting aside {}-{}@{} as a dead letter: {}", group, record.topic(), record.partition(), record.offset(),
            reason);
        return deadLetters.put(group, messageId, record.topic(), record.partition(), record.offset(), record.key(), record.value(),
            "projector: " + reason, 1);
    }
}
