package io.sagaway.infra;

import java.util.Objects;

/**
 * Where the platform finds its four services.
 *
 * @param postgresUri           {@code postgresql://user:password@host:port/database}
 * @param redisUri              {@code redis://host:port}
 * @param kafkaBootstrapServers {@code host:port[,host:port...]}
 * @param elasticsearchUrl      {@code http://host:port}
 */
public record ServiceEndpoints(String postgresUri, String redisUri, String kafkaBootstrapServers, String elasticsearchUrl) {
    public ServiceEndpoints {
        Objects.requireNonNull(postgresUri, "postgresUri");
        Objects.requireNonNull(redisUri, "redisUri");
        Objects.requireNonNull(kafkaBootstrapServers, "kafkaBootstrapServers");
        Objects.requireNonNull(elasticsearchUrl, "elasticsearchUrl");
    }
}
