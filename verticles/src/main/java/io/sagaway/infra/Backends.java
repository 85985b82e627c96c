package io.sagaway.infra;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.sqlclient.Pool;

/** One verticle's connections to the four services, opened together and closed together. */
public record Backends(Pool postgres, Redis redis, KafkaAdminClient kafkaAdmin, InfraClients.Elasticsearch elasticsearch) {

    public static Backends connect(Vertx vertx, ServiceEndpoints endpoints, int postgresPoolSize) {
        return connect(vertx, endpoints, postgresPoolSize, null);
    }

    /** With the pool working in {@code schema} (null: the server's default). */
    public static Backends connect(Vertx vertx, ServiceEndpoints endpoints, int postgresPoolSize, String schema) {
        return new Backends(
            InfraClients.postgres(vertx, endpoints.postgresUri(), schema, postgresPoolSize),
            InfraClients.redis(vertx, endpoints.redisUri()),
            KafkaAdminClient.create(vertx, InfraClients.kafkaAdminConfig(endpoints.kafkaBootstrapServers())),
            InfraClients.elasticsearch(endpoints.elasticsearchUrl()));
    }

    public RedisAPI redisApi() {
        return RedisAPI.api(redis);
    }

    public Future<Void> close() {
        redis.close();
        try {
            elasticsearch.close();
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
        return Future.all(postgres.close(), kafkaAdmin.close()).mapEmpty();
    }
}
