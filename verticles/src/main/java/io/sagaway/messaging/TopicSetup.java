package io.sagaway.messaging;

import io.sagaway.infra.InfraClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Creates the platform's topics (and their dead-letter topics) when missing, with the configured partition count. */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private TopicSetup() {
    }

    public static Future<Void> ensure(Vertx vertx, String bootstrapServers, Collection<String> topics, int partitions,
                                      short replicationFactor) {
        return ensure(vertx, bootstrapServers, topics, partitions, replicationFactor, Duration.ofSeconds(50));
    }

    /**
     * As above, asking again (every second) while Kafka does not answer within its 5 s timeout, for
     * up to {@code patience}: processes starting together on a busy machine, or pods starting
     * before the brokers, wait for Kafka instead of failing their start.
     */
    public static Future<Void> ensure(Vertx vertx, String bootstrapServers, Collection<String> topics, int partitions,
                                      short replicationFactor, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        return attempt(vertx, bootstrapServers, topics, partitions, replicationFactor, deadline);
    }

    private static Future<Void> attempt(Vertx vertx, String bootstrapServers, Collection<String> topics, int partitions,
                                        short replicationFactor, long deadlineNanos) {
        KafkaAdminClient admin = KafkaAdminClient.create(vertx, InfraClients.kafkaAdminConfig(bootstrapServers));
        return admin.listTopics()
            .compose(existing -> create(admin, existing, topics, partitions, replicationFactor))
            .eventually(admin::close)
            .recover(failure -> {
                if (System.nanoTime() + RETRY_AFTER.toNanos() > deadlineNanos) {
                    return Future.failedFuture(failure);
                }
                LOG.warn("Kafka at {} did not answer the topic setup ({}); asking again in {} ms", bootstrapServers, failure.toString(),
                    RETRY_AFTER.toMillis());
                return vertx.timer(RETRY_AFTER.toMillis())
                    .compose(t -> attempt(vertx, bootstrapServers, topics, partitions, replicationFactor, deadlineNanos));
            });
    }

    private static Future<Void> create(KafkaAdminClient admin, Set<String> existing, Collection<String> topics, int partitions,
                                       short replicationFactor) {
        List<NewTopic> missing = topics.stream()
            .flatMap(t -> Stream.of(t, t + Topics.DEAD_LETTER_SUFFIX))
            .filter(t -> !existing.contains(t))
            .map(t -> new NewTopic(t, partitions, replicationFactor))
            .toList();
        if (missing.isEmpty()) {
            return Future.succeededFuture();
        }
        // Another instance may create the same topics at the same moment: that is fine.
        return admin.createTopics(missing)
            .recover(e -> e.getMessage() != null && e.getMessage().contains("already exists")
                ? Future.succeededFuture() : Future.failedFuture(e));
    }
}
