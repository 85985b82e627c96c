package io.sagaway.stack;


/**
 * Where the local stack's services answer, in the forms the platform's configuration takes.
 *
 * @param postgresUri      e.g. {@code postgresql://sagaway:sagaway@127.0.0.1:5432/sagaway}
 * @param redisUri         e.g. {@code redis://127.0.0.1:6379}
 * @param kafkaBootstrap   e.g. {@code 127.0.0.1:9092}
 * @param elasticsearchUrl e.g. {@code http://127.0.0.1:9200}
 */
public record StackEndpoints(String postgresUri, String redisUri, String kafkaBootstrap, String elasticsearchUrl) {
}
