package io.sagaway.messaging;

import io.sagaway.infra.InfraClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Creates the platform's topics (and their dead-letter topics) when missing, with the configured partition count. */
public final class TopicSetup {

    private TopicSetup() {
    }

    public static Future<Void> ensure(Vertx vertx, String bootstrapServers, Collection<String> topics, int partitions,
                                      short replicationFactor) {
        KafkaAdminClient admin = KafkaAdminClient.create(vertx, InfraClients.kafkaAdminConfig(bootstrapServers));
        return admin.listTopics()
            .compose(existing -> create(admin, existing, topics, partitions, replicationFactor))
            .eventually(admin::close);
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
