package io.sagaway.messaging;

import io.sagaway.infra.Futures;
import io.sagaway.infra.InfraClients;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A Kafka consumer that processes the records of one key (one order) one after another, in
 * offset order, while different keys, of one partition or of several, proceed side by side (up
 * to {@code concurrency} at once), and commits each partition's offset only after its records'
 * effects are durable (every {@link #COMMIT_INTERVAL} at most, not after every poll). Every record passes the Redis
 * {@link IdempotencyGuard}; a failing record is retried with backoff, then set aside in
 * {@link DeadLetters} so its partition moves on. A record that cannot be parsed, or is
 * {@link PoisonMessageException poison}, goes to dead letters at once.
 */
public final class ReliableConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(ReliableConsumer.class);

    /** One record, with its parsed envelope. */
    public record Delivery(String topic, int partition, long offset, String key, String value, Envelope envelope) {
    }

    /** Handles one delivery; its future completes once the effect is durable. */
    @FunctionalInterface
    public interface Handler {
        Future<Void> handle(Delivery delivery);
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
    private final Handler handler;
    private final Predicate<Delivery> relevant;
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
        this(vertx, settings, guard, deadLetters, handler, delivery -> true);
    }

    /**
     * @param relevant which records the handler acts on; the others are passed over without the
     *                 idempotency guard's two Redis round trips (a consumer of a whole topic often
     *                 needs only some of its message types)
     */
    public ReliableConsumer(Vertx vertx, Settings settings, IdempotencyGuard guard, DeadLetters deadLetters, Handler handler,
                            Predicate<Delivery> relevant) {
        this.vertx = vertx;
        this.settings = settings;
        this.guard = guard;
        this.deadLetters = deadLetters;
        this.handler = handler;
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
        return inKeyOrder(byPartition).recover(unexpected -> {
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

    /**
     * Processes a poll's records: each partition's records grouped by key, each key's records in
     * offset order (stopping at one that cannot be handled at all), keys side by side. A
     * partition's progress ends before its first record not done; records after it that other
     * keys settled are delivered again after the rewind and passed over ({@link #settledAhead}).
     */
    private Future<List<Progress>> inKeyOrder(Map<TopicPartition, List<KafkaConsumerRecord<String, String>>> byPartition) {
        Map<TopicPartition, List<Long>> settled = new LinkedHashMap<>();
        List<Supplier<Future<Long>>> chains = new ArrayList<>();
        List<TopicPartition> chainPartition = new ArrayList<>();
        byPartition.forEach((tp, list) -> {
            Map<String, List<KafkaConsumerRecord<String, String>>> byKey = new LinkedHashMap<>();
            for (KafkaConsumerRecord<String, String> r : list) {
                byKey.computeIfAbsent(r.key() == null ? "" : r.key(), k -> new ArrayList<>()).add(r);
            }
            List<Long> settledHere = settled.computeIfAbsent(tp, k -> new ArrayList<>());
            byKey.values().forEach(keyRecords -> {
                chains.add(() -> chain(tp, keyRecords, settledHere));
                chainPartition.add(tp);
            });
        });
        return Bounded.run(chains, settings.concurrency()).map(failures -> {
            List<Progress> progress = new ArrayList<>();
            byPartition.forEach((tp, list) -> {
                Long failedAt = null;
                for (int i = 0; i < failures.size(); i++) {
                    Long failure = failures.get(i);
                    if (failure != null && chainPartition.get(i).equals(tp) && (failedAt == null || failure < failedAt)) {
                        failedAt = failure;
                    }
                }
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

    /**
     * One key's records in order; the offset of the first that could be neither handled nor set
     * aside, or null. The offsets settled go to {@code settled}.
     */
    private Future<Long> chain(TopicPartition partition, List<KafkaConsumerRecord<String, String>> records, List<Long> settled) {
        Future<Long> chain = Future.succeededFuture(null);
        for (KafkaConsumerRecord<String, String> record : records) {
            chain = chain.compose(failedAt -> failedAt != null ? Future.succeededFuture(failedAt)
                : one(record)
                    .map(v -> {
                        settled.add(record.offset());
                        return (Long) null;
                    })
                    .otherwise(failure -> {
                        LOG.warn("consumer {}: {} could not be handled nor set aside ({}); retrying", settings.name(),
                            partition, failure.toString());
                        return record.offset();
                    }));
        }
        return chain;
    }

    /** One record, start to end; never throws (a throw would skip the rest of the batch's bookkeeping). */
    private Future<Void> one(KafkaConsumerRecord<String, String> record) {
        if (!settledAhead.isEmpty()) {
            Set<Long> ahead = settledAhead.get(new TopicPartition(record.topic(), record.partition()));
            if (ahead != null && ahead.remove(record.offset())) {
                return Future.succeededFuture();
            }
        }
        return Futures.call(() -> parsedAndHandled(record));
    }

    private Future<Void> parsedAndHandled(KafkaConsumerRecord<String, String> record) {
        Envelope envelope;
        try {
            envelope = Envelope.fromJson(record.value());
        } catch (JsonCodec.MalformedMessageException e) {
            return deadLetter(record, e.getMessage(), 1);
        }
        Delivery delivery = new Delivery(record.topic(), record.partition(), record.offset(), record.key(), record.value(), envelope);
        return relevant.test(delivery) ? claimed(delivery, 0) : Future.succeededFuture();
    }

    private Future<Void> claimed(Delivery delivery, int busyWaits) {
        return guard.claim(delivery.envelope().messageId()).compose(claim -> switch (claim) {
            case ALREADY_DONE -> Future.succeededFuture();
            // Another instance holds it (a rebalance moment): wait for it to finish or its claim to lapse.
            case BUSY -> busyWaits > 300 ? attempt(delivery, 1) : later(Duration.ofMillis(100)).compose(v -> claimed(delivery, busyWaits + 1));
            case CLAIMED -> attempt(delivery, 1);
        });
    }

    private Future<Void> attempt(Delivery delivery, int attempt) {
        String messageId = delivery.envelope().messageId();
        // A handler that throws instead of failing its future is a failure like any other: retried, then set aside.
        return Futures.call(() -> handler.handle(delivery))
            .compose(v -> guard.markDone(messageId))
            .recover(failure -> guard.release(messageId).transform(released -> {
                boolean poison = failure instanceof PoisonMessageException || failure instanceof JsonCodec.MalformedMessageException;
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
