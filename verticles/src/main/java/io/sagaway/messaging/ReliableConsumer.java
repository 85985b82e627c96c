package io.sagaway.messaging;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.sagaway.infra.Futures;
import io.sagaway.infra.InfraClients;
import io.sagaway.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.producer.KafkaHeader;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.consumer.KafkaConsumerRecords;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * A Kafka consumer that processes the records of one key (one order) one after another, in
 * offset order, while different keys, of one partition or of several, proceed together: in
 * waves of at most one record per key, handed to a {@link BatchHandler} in one call (group
 * commit) or to a {@link Handler} side by side (up to {@code concurrency} at once). It commits each partition's offset only after its records'
 * effects are durable (every {@link #COMMIT_INTERVAL} at most, not after every poll). Every record passes the Redis
 * {@link IdempotencyGuard}, a wave's records in one pipelined round trip; a failing record is retried with backoff, then set aside in
 * {@link DeadLetters} so its partition moves on. A record that cannot be parsed, or is
 * {@link PoisonMessageException poison}, goes to dead letters at once.
 */
public final class ReliableConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ReliableConsumer.class);

    /**
     * One record, with its parsed envelope, the attempt it is on (1, then 2... as it is retried) and
     * the traceparent of the span processing it (null when tracing is off): what the handler writes
     * for it continues that trace.
     */
    public record Delivery(String topic, int partition, long offset, String key, String value, Envelope envelope, int attempt,
                           String traceparent) {

        public Delivery(String topic, int partition, long offset, String key, String value, Envelope envelope) {
            this(topic, partition, offset, key, value, envelope, 1, null);
        }

        /** The same record, on its {@code n}th attempt. */
        public Delivery attempt(int n) {
            return n == attempt ? this : new Delivery(topic, partition, offset, key, value, envelope, n, traceparent);
        }

        /** The same record, processed in the span of {@code newTraceparent}. */
        public Delivery tracedBy(String newTraceparent) {
            return new Delivery(topic, partition, offset, key, value, envelope, attempt, newTraceparent);
        }
    }

    /** Handles one delivery; its future completes once the effect is durable. */
    @FunctionalInterface
    public interface Handler {
        Future<Void> handle(Delivery delivery);
    }

    /**
     * Which records a consumer acts on, by topic and message type; the others are passed over
     * unread (no parsing, no idempotency claim). The type comes from the record's {@code type}
     * header, so an unwanted record is not even parsed; a record without it is parsed first.
     */
    @FunctionalInterface
    public interface Relevance {
        boolean wanted(String topic, String type);

        Relevance ALL = (topic, type) -> true;
    }

    /**
     * Handles a wave of deliveries, at most one per key, sorted by key, all or nothing: typically
     * in one transaction, so a busy consumer commits once for many records. Its future completes
     * once every effect is durable; a failure means none of them happened.
     */
    @FunctionalInterface
    public interface BatchHandler {
        Future<Void> handle(List<Delivery> deliveries);
    }

    /**
     * @param name        the consumer's name: its Kafka group id, its Redis key space and its processed-message records
     * @param maxAttempts attempts of a failing record before it becomes a dead letter
     * @param concurrency how many keys of a poll's records are handled at once (each key's records stay in order)
     */
    public record Settings(String name, List<String> topics, String bootstrapServers, int maxAttempts, Duration retryBackoff,
                           int concurrency) {
        public Settings {
            if (concurrency < 1) {
                throw new IllegalArgumentException("concurrency must be at least 1");
            }
        }

        public Settings(String name, List<String> topics, String bootstrapServers, int maxAttempts, Duration retryBackoff) {
            this(name, topics, bootstrapServers, maxAttempts, retryBackoff, DEFAULT_CONCURRENCY);
        }
    }

    /**
     * Keys handled at once by default. A saga's step is a few milliseconds of round trips
     * (Redis, PostgreSQL), mostly waiting: handling one record at a time per partition left the
     * CPU idle while sagas queued (measured in docs/benchmarks.md).
     */
    public static final int DEFAULT_CONCURRENCY = 64;

    /**
     * How often done offsets are committed. Committing after every poll cost a broker round trip
     * per batch on the critical path; committing at most this often only widens what a crash or a
     * rebalance redelivers, which the idempotency guard recognises as done.
     */
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(200);

    private final Vertx vertx;
    private final Settings settings;
    private final IdempotencyGuard guard;
    private final DeadLetters deadLetters;
    /** Exactly one of these two is set. */
    private final Handler handler;
    private final BatchHandler batchHandler;
    private final Relevance relevant;
    private KafkaConsumer<String, String> consumer;
    private volatile boolean stopped;
    private final Promise<Void> loopEnded = Promise.promise();
    /** Offsets done but not committed yet, touched only on the consumer's context. */
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new LinkedHashMap<>();
    private long lastCommitNanos = System.nanoTime();
    /**
     * Per partition, offsets past a rewind point that were already settled (handled or set aside)
     * by other keys: after the rewind they come again and are passed over, so a dead-lettered
     * record is not run a second time after its key's later records. Touched only on the
     * consumer's context.
     */
    private final Map<TopicPartition, Set<Long>> settledAhead = new HashMap<>();

    public ReliableConsumer(Vertx vertx, Settings settings, IdempotencyGuard guard, DeadLetters deadLetters, Handler handler) {
        this(vertx, settings, guard, deadLetters, handler, Relevance.ALL);
    }

    /**
     * @param relevant which records the handler acts on; the others are passed over unread (a
     *                 consumer of a whole topic often needs only some of its message types)
     */
    public ReliableConsumer(Vertx vertx, Settings settings, IdempotencyGuard guard, DeadLetters deadLetters, Handler handler,
                            Relevance relevant) {
        this(vertx, settings, guard, deadLetters, handler, null, relevant);
    }

    /** A consumer that hands each wave of records to {@code batchHandler} in one call (see {@link BatchHandler}). */
    public static ReliableConsumer batched(Vertx vertx, Settings settings, IdempotencyGuard guard, DeadLetters deadLetters,
                                           BatchHandler batchHandler, Relevance relevant) {
        return new ReliableConsumer(vertx, settings, guard, deadLetters, null, batchHandler, relevant);
    }

    private ReliableConsumer(Vertx vertx, Settings settings, IdempotencyGuard guard, DeadLetters deadLetters, Handler handler,
                             BatchHandler batchHandler, Relevance relevant) {
        this.vertx = vertx;
        this.settings = settings;
        this.guard = guard;
        this.deadLetters = deadLetters;
        this.handler = handler;
        this.batchHandler = batchHandler;
        this.relevant = relevant;
    }

    public Future<Void> start() {
        Map<String, String> config = InfraClients.kafkaConsumerConfig(settings.bootstrapServers(), settings.name());
        config.put("max.poll.records", "256");
        consumer = KafkaConsumer.create(vertx, config);
        // Partitions that went to another instance are its to commit now; it redoes what was done here and not committed.
        consumer.partitionsRevokedHandler(revoked -> revoked.forEach(tp -> {
            uncommitted.remove(tp);
            settledAhead.remove(tp);
        }));
        return consumer.subscribe(new HashSet<>(settings.topics())).onSuccess(v -> poll());
    }

    public Future<Void> stop() {
        stopped = true;
        return loopEnded.future()
            .compose(v -> commitDue(true))
            .recover(e -> {
                LOG.warn("consumer {}: last commit failed ({}); the records since are delivered again", settings.name(), e.toString());
                return Future.succeededFuture();
            })
            .eventually(() -> consumer.close());
    }

    /** Commits the offsets done so far if the interval has passed (or {@code now}). */
    private Future<Void> commitDue(boolean now) {
        if (uncommitted.isEmpty() || (!now && System.nanoTime() - lastCommitNanos < COMMIT_INTERVAL.toNanos())) {
            return Future.succeededFuture();
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>(uncommitted);
        uncommitted.clear();
        lastCommitNanos = System.nanoTime();
        // A failed commit leaves its offsets for the next one (newer offsets, if any came meanwhile, win).
        return consumer.commit(offsets).<Void>mapEmpty().onFailure(e -> offsets.forEach(uncommitted::putIfAbsent));
    }

    private void poll() {
        if (stopped) {
            loopEnded.tryComplete();
            return;
        }
        consumer.poll(Duration.ofMillis(100))
            .compose(this::process)
            .onComplete(done -> {
                if (done.failed() && !stopped) {
                    LOG.warn("consumer {}: batch failed ({}); its records will be delivered again", settings.name(),
                        done.cause().toString());
                }
                poll();
            });
    }

    /** How far one partition's records got: the last offset done (-1 for none) and, on failure, the first not done. */
    private record Progress(TopicPartition partition, long lastDone, Long failedAt) {
    }

    private Future<Void> process(KafkaConsumerRecords<String, String> records) {
        if (records.isEmpty()) {
            return commitDue(false);
        }
        Map<TopicPartition, List<KafkaConsumerRecord<String, String>>> byPartition = new LinkedHashMap<>();
        for (int i = 0; i < records.size(); i++) {
            KafkaConsumerRecord<String, String> r = records.recordAt(i);
            byPartition.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), tp -> new ArrayList<>()).add(r);
        }
        return inWaves(byPartition).recover(unexpected -> {
            // Something threw outside the per-record handling: read the whole batch again rather than move past it.
            List<Future<Void>> rewinds = new ArrayList<>();
            byPartition.forEach((tp, list) -> rewinds.add(consumer.seek(tp, list.get(0).offset())));
            return Future.join(rewinds).transform(v -> Future.failedFuture(unexpected));
        }).compose(partitions -> {
            Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
            List<Future<Void>> rewinds = new ArrayList<>();
            for (Progress p : partitions) {
                if (p.lastDone() >= 0) {
                    offsets.put(p.partition(), new OffsetAndMetadata(p.lastDone() + 1, ""));
                }
                if (p.failedAt() != null) {
                    // Not even a dead letter could be written (PostgreSQL down?): read it again on the next poll.
                    rewinds.add(consumer.seek(p.partition(), p.failedAt()));
                }
            }
            uncommitted.putAll(offsets);
            // Before a rewind, commit what is done, so the committed position never passes the record to redo.
            Future<Void> committed = commitDue(!rewinds.isEmpty());
            // The seeks must land before the next poll, whether or not the commit went through.
            return committed.transform(commit -> Future.join(rewinds).transform(v -> commit.succeeded()
                    ? Future.<Void>succeededFuture() : Future.<Void>failedFuture(commit.cause())))
                .compose(v -> rewinds.isEmpty() ? Future.<Void>succeededFuture() : later(Duration.ofSeconds(1)));
        });
    }

    /** One key's records of one partition, in offset order, and how far they got. */
    private static final class Chain {
        final TopicPartition partition;
        final List<KafkaConsumerRecord<String, String>> records = new ArrayList<>();
        final List<Long> settled;
        int next;
        /** The offset of the first record that could be neither handled nor set aside, or null. */
        Long failedAt;
        /** The last record that had to wait out another instance's claim: the key's next records wait behind it, other keys do not. */
        Future<Void> busy;

        Chain(TopicPartition partition, List<Long> settled) {
            this.partition = partition;
            this.settled = settled;
        }

        boolean waitingOutClaim() {
            return busy != null && !busy.isComplete();
        }

        boolean waiting() {
            return failedAt == null && !waitingOutClaim() && next < records.size();
        }
    }

    /** One record of a wave, with the chain it belongs to. */
    private SpanAttributes spanAttributes = (message, span) -> {
    };

    private static final class Step {
        final Chain chain;
        final KafkaConsumerRecord<String, String> record;
        Delivery delivery;
        /** The record's processing span, with tracing on: ended once the record is settled. */
        Span span;

        Step(Chain chain, KafkaConsumerRecord<String, String> record) {
            this.chain = chain;
            this.record = record;
        }
    }

    /**
     * Processes a poll's records in waves: a wave holds at most one record per key (the next one
     * of each key, in offset order), sorted by key, and the next wave starts when the last one is
     * done, so each key's records keep their order while different keys go together. A batch
     * handler gets each wave in one call (one transaction, with keys in a fixed order against
     * deadlocks); a record handler gets the wave's records side by side. A key stops at a record
     * that could be neither handled nor set aside, and its partition's progress ends before it;
     * records after it that other keys settled are delivered again after the rewind and passed
     * over ({@link #settledAhead}).
     */
    private Future<List<Progress>> inWaves(Map<TopicPartition, List<KafkaConsumerRecord<String, String>>> byPartition) {
        Map<TopicPartition, List<Long>> settled = new LinkedHashMap<>();
        // Records of one key may come from several partitions (an order's events and its replies): never two in one wave.
        Map<String, List<Chain>> byKey = new TreeMap<>();
        byPartition.forEach((tp, list) -> {
            List<Long> settledHere = settled.computeIfAbsent(tp, k -> new ArrayList<>());
            Map<String, Chain> chains = new LinkedHashMap<>();
            for (KafkaConsumerRecord<String, String> r : list) {
                String key = r.key() == null ? "" : r.key();
                chains.computeIfAbsent(key, k -> {
                    Chain chain = new Chain(tp, settledHere);
                    byKey.computeIfAbsent(k, x -> new ArrayList<>()).add(chain);
                    return chain;
                }).records.add(r);
            }
        });
        return waves(byKey).map(v -> {
            Map<TopicPartition, Long> firstFailure = new HashMap<>();
            byKey.values().forEach(chains -> chains.stream().filter(chain -> chain.failedAt != null)
                .forEach(chain -> firstFailure.merge(chain.partition, chain.failedAt, Math::min)));
            List<Progress> progress = new ArrayList<>();
            byPartition.forEach((tp, list) -> {
                Long failedAt = firstFailure.get(tp);
                long lastDone = failedAt == null ? list.get(list.size() - 1).offset() : failedAt - 1;
                progress.add(new Progress(tp, lastDone, failedAt));
                Set<Long> ahead = settledAhead.computeIfAbsent(tp, k -> new HashSet<>());
                ahead.removeIf(offset -> offset <= lastDone);
                if (failedAt != null) {
                    long rewindTo = failedAt;
                    settled.get(tp).stream().filter(offset -> offset > rewindTo).forEach(ahead::add);
                }
                if (ahead.isEmpty()) {
                    settledAhead.remove(tp);
                }
            });
            return progress;
        });
    }

    private Future<Void> waves(Map<String, List<Chain>> byKey) {
        List<Step> wave = new ArrayList<>();
        List<Future<Void>> busy = new ArrayList<>();
        for (List<Chain> chains : byKey.values()) {
            for (Chain chain : chains) {
                if (chain.waitingOutClaim()) {
                    busy.add(chain.busy);
                    break;
                }
                if (chain.waiting()) {
                    wave.add(new Step(chain, chain.records.get(chain.next++)));
                    break;
                }
            }
        }
        if (!wave.isEmpty()) {
            return wave(wave).compose(v -> waves(byKey));
        }
        // Only keys waiting out a claim are left: once they are through, their next records go on.
        return busy.isEmpty() ? Future.succeededFuture() : Future.join(busy).transform(v -> waves(byKey));
    }

    /** One wave, start to end; never fails (each record's outcome is noted on its chain). */
    private Future<Void> wave(List<Step> steps) {
        List<Future<Void>> outcomes = new ArrayList<>();
        List<Step> toClaim = new ArrayList<>();
        for (Step step : steps) {
            KafkaConsumerRecord<String, String> record = step.record;
            if (!settledAhead.isEmpty()) {
                Set<Long> ahead = settledAhead.get(new TopicPartition(record.topic(), record.partition()));
                if (ahead != null && ahead.remove(record.offset())) {
                    step.chain.settled.add(record.offset());
                    continue;
                }
            }
            String typeHeader = typeHeader(record);
            if (typeHeader != null && !relevant.wanted(record.topic(), typeHeader)) {
                step.chain.settled.add(record.offset());
                continue;
            }
            Envelope envelope;
            try {
                envelope = Envelope.fromJson(record.value());
            } catch (JsonCodec.MalformedMessageException e) {
                outcomes.add(noted(step, Futures.call(() -> deadLetter(record, e.getMessage(), 1))));
                continue;
            }
            step.delivery = new Delivery(record.topic(), record.partition(), record.offset(), record.key(), record.value(), envelope);
            if (typeHeader == null && !relevant.wanted(record.topic(), envelope.type())) {
                step.chain.settled.add(record.offset());
            } else {
                traced(step);
                toClaim.add(step);
            }
        }
        if (toClaim.isEmpty()) {
            return Future.join(outcomes).mapEmpty();
        }
        return guard.claimAll(toClaim.stream().map(s -> s.delivery.envelope().messageId()).toList()).compose(claims -> {
            List<Step> claimed = new ArrayList<>();
            for (int i = 0; i < toClaim.size(); i++) {
                Step step = toClaim.get(i);
                switch (claims.get(i)) {
                    case ALREADY_DONE -> {
                        step.chain.settled.add(step.record.offset());
                        endSpan(step, null);
                    }
                    // Another instance holds it (a rebalance moment): wait for it to finish or its claim to lapse.
                    // It does not hold up the wave: the key's later records wait, other keys go on.
                    case BUSY -> step.chain.busy = noted(step, later(BUSY_PAUSE).compose(v -> claimed(step.delivery, 1)));
                    case CLAIMED -> claimed.add(step);
                }
            }
            if (batchHandler != null) {
                outcomes.add(together(claimed));
            } else {
                List<Supplier<Future<Void>>> each = claimed.stream()
                    .<Supplier<Future<Void>>>map(step -> () -> noted(step, attempt(step.delivery, 1))).toList();
                outcomes.add(Bounded.run(each, settings.concurrency()).mapEmpty());
            }
            return Future.join(outcomes).mapEmpty();
        });
    }

    /**
     * Hands claimed records of different keys to the batch handler in one call. If it fails, a
     * backing service being down is waited out; anything else splits the records in halves and
     * tries each again, so one bad record costs about log2(n) more calls and then goes its own
     * way (retries with backoff, then dead letters) while the others are done.
     */
    private Future<Void> together(List<Step> steps) {
        if (steps.isEmpty()) {
            return Future.succeededFuture();
        }
        if (steps.size() == 1) {
            return noted(steps.get(0), attempt(steps.get(0).delivery, 1));
        }
        List<Delivery> deliveries = steps.stream().map(s -> s.delivery).toList();
        // The wave's transaction holds many traces: its span links to each record's.
        Span wave = Tracing.enabled() ? Tracing.batch("wave " + settings.name(), deliveries.stream().map(Delivery::traceparent).toList(),
            deliveries.size()) : null;
        return Futures.call(() -> batchHandler.handle(deliveries)).transform(done -> {
            if (wave != null) {
                Tracing.end(wave, done.cause());
            }
            if (done.succeeded()) {
                steps.forEach(s -> {
                    s.chain.settled.add(s.record.offset());
                    endSpan(s, null);
                });
                // Not waited for: a lost "done" mark only means PostgreSQL recognises a redelivery instead.
                guard.markAllDone(deliveries.stream().map(d -> d.envelope().messageId()).toList());
                return Future.succeededFuture();
            }
            Throwable failure = done.cause();
            if (!isPoison(failure) && InfraClients.isUnavailable(failure)) {
                LOG.debug("consumer {}: a wave of {} waits for a backing service: {}", settings.name(), steps.size(), failure.toString());
                return later(UNAVAILABLE_PAUSE).compose(v -> together(steps));
            }
            LOG.debug("consumer {}: a wave of {} failed ({}); trying its halves", settings.name(), steps.size(), failure.toString());
            int half = steps.size() / 2;
            return together(steps.subList(0, half)).compose(v -> together(steps.subList(half, steps.size())));
        });
    }

    /** The record's {@code type} header (the relay copies the envelope's type there), or null. */
    private static String typeHeader(KafkaConsumerRecord<String, String> record) {
        return header(record, "type");
    }

    /** A header of the record, or null. */
    public static String header(KafkaConsumerRecord<String, String> record, String name) {
        for (KafkaHeader header : record.headers()) {
            if (name.equals(header.key())) {
                return header.value() == null ? null : header.value().toString();
            }
        }
        return null;
    }

    /** Notes a record's outcome on its chain: settled, or (when it could be neither handled nor set aside) where the key stops. */
    private Future<Void> noted(Step step, Future<Void> outcome) {
        return outcome.transform(done -> {
            endSpan(step, done.cause());
            if (done.succeeded()) {
                step.chain.settled.add(step.record.offset());
            } else {
                LOG.warn("consumer {}: {} could not be handled nor set aside ({}); retrying", settings.name(), step.chain.partition,
                    done.cause().toString());
                step.chain.failedAt = step.record.offset();
            }
            return Future.succeededFuture();
        });
    }

    /**
     * With tracing on, starts the record's processing span, continuing the trace its producer sent
     * in the {@code traceparent} header, and hands the handler that span's traceparent.
     */
    private void traced(Step step) {
        if (!Tracing.enabled()) {
            return;
        }
        KafkaConsumerRecord<String, String> record = step.record;
        step.span = Tracing.span("process " + step.delivery.envelope().type(), SpanKind.CONSUMER, header(record, Tracing.TRACEPARENT))
            .setAttribute(Tracing.CONSUMER_GROUP, settings.name()).setAttribute(Tracing.DESTINATION, record.topic())
            .setAttribute("messaging.destination.partition.id", Integer.toString(record.partition()))
            .setAttribute("messaging.kafka.offset", record.offset()).setAttribute(Tracing.ORDER_ID, record.key())
            .setAttribute(Tracing.MESSAGE_ID, step.delivery.envelope().messageId())
            .setAttribute(Tracing.MESSAGE_TYPE, step.delivery.envelope().type()).setAttribute(Tracing.ATTEMPT, 1L)
            .startSpan();
        // A step request names its saga and step; a consumer adds what only it knows (the orchestrator: of a reply).
        String sagaId = step.delivery.envelope().payload().getString("sagaId");
        String sagaStep = step.delivery.envelope().payload().getString("step");
        if (sagaId != null) {
            step.span.setAttribute(Tracing.SAGA_ID, sagaId);
        }
        if (sagaStep != null) {
            step.span.setAttribute(Tracing.STEP, sagaStep);
        }
        spanAttributes.add(step.delivery.envelope(), step.span);
        step.delivery = step.delivery.tracedBy(Tracing.traceparent(step.span));
    }

    /** Adds a consumer's own attributes to a record's span (with tracing on). */
    @FunctionalInterface
    public interface SpanAttributes {
        void add(Envelope message, Span span);
    }

    /** Lets {@code attributes} add to each record's span what this consumer knows of it. */
    public ReliableConsumer withSpanAttributes(SpanAttributes attributes) {
        this.spanAttributes = attributes;
        return this;
    }

    private static void endSpan(Step step, Throwable failure) {
        if (step.span != null) {
            Tracing.end(step.span, failure);
            step.span = null;
        }
    }

    private static boolean isPoison(Throwable failure) {
        return failure instanceof PoisonMessageException || failure instanceof JsonCodec.MalformedMessageException;
    }

    /** One record alone, through whichever handler this consumer has. */
    private Future<Void> handleOne(Delivery delivery) {
        return batchHandler != null ? batchHandler.handle(List.of(delivery)) : handler.handle(delivery);
    }

    private static final Duration BUSY_PAUSE = Duration.ofMillis(100);

    private Future<Void> claimed(Delivery delivery, int busyWaits) {
        return guard.claim(delivery.envelope().messageId()).compose(claim -> switch (claim) {
            case ALREADY_DONE -> Future.succeededFuture();
            // Another instance holds it (a rebalance moment): wait for it to finish or its claim to lapse.
            case BUSY -> busyWaits > 300 ? attempt(delivery, 1) : later(BUSY_PAUSE).compose(v -> claimed(delivery, busyWaits + 1));
            case CLAIMED -> attempt(delivery, 1);
        });
    }

    private Future<Void> attempt(Delivery delivery, int attempt) {
        String messageId = delivery.envelope().messageId();
        // Each attempt after the first is a span of its own in the record's trace, with its outcome.
        Span retry = attempt > 1 && Tracing.enabled() ? Tracing.span("attempt " + attempt, SpanKind.INTERNAL, delivery.traceparent())
            .setAttribute(Tracing.ATTEMPT, (long) attempt).setAttribute(Tracing.MESSAGE_ID, messageId).startSpan() : null;
        Delivery tried = retry == null ? delivery.attempt(attempt) : delivery.attempt(attempt).tracedBy(Tracing.traceparent(retry));
        // A handler that throws instead of failing its future is a failure like any other: retried, then set aside.
        return Futures.call(() -> handleOne(tried))
            .onComplete(done -> {
                if (retry != null) {
                    Tracing.end(retry, done.cause());
                }
            })
            .compose(v -> guard.markDone(messageId))
            .recover(failure -> guard.release(messageId).transform(released -> {
                boolean poison = isPoison(failure);
                if (!poison && InfraClients.isUnavailable(failure)) {
                    // A backing service is down (a restart, an outage): not the message's fault. Wait and try again,
                    // without counting, for as long as it takes; the key's later messages wait behind it.
                    LOG.debug("consumer {}: {} waits for a backing service: {}", settings.name(), messageId, failure.toString());
                    return later(UNAVAILABLE_PAUSE).compose(w -> attempt(delivery, attempt));
                }
                if (poison || attempt >= settings.maxAttempts()) {
                    return deadLetter(delivery, failure, attempt);
                }
                LOG.debug("consumer {}: {} failed (attempt {}): {}", settings.name(), messageId, attempt, failure.toString());
                return later(settings.retryBackoff().multipliedBy(1L << Math.min(attempt - 1, 6)))
                    .compose(w -> attempt(delivery, attempt + 1));
            }));
    }

    /** How long a message waits before it is tried again while a backing service is down. */
    private static final Duration UNAVAILABLE_PAUSE = Duration.ofSeconds(1);

    private Future<Void> deadLetter(Delivery delivery, Throwable failure, int attempts) {
        LOG.warn("consumer {}: setting aside {} {} of order {} after {} attempt(s): {}", settings.name(),
            delivery.envelope().type(), delivery.envelope().messageId(), delivery.key(), attempts, failure.toString());
        return deadLetters.put(settings.name(), delivery.envelope().messageId(), delivery.topic(), delivery.partition(),
            delivery.offset(), delivery.key(), delivery.value(), describe(failure), attempts).mapEmpty();
    }

    private Future<Void> deadLetter(KafkaConsumerRecord<String, String> record, String error, int attempts) {
        LOG.warn("consumer {}: setting aside unreadable record {}-{}@{}: {}", settings.name(), record.topic(), record.partition(),
            record.offset(), error);
        return deadLetters.put(settings.name(), null, record.topic(), record.partition(), record.offset(), record.key(),
            record.value() == null ? "" : record.value(), error, attempts).mapEmpty();
    }

    private Future<Void> later(Duration wait) {
        Promise<Void> promise = Promise.promise();
        vertx.setTimer(Math.max(1, wait.toMillis()), id -> promise.complete());
        return promise.future();
    }

    private static String describe(Throwable failure) {
        return failure.getClass().getSimpleName() + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    }
}
