package io.sagaway.infra;

import io.sagaway.testing.Await;
import io.sagaway.testing.TestServices;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedisSetNxIT {

    private static Vertx vertx;
    private static Redis redis;
    private static RedisAPI api;

    @BeforeAll
    static void connect() {
        vertx = Vertx.vertx();
        redis = InfraClients.redis(vertx, TestServices.endpoints().redisUri());
        api = RedisAPI.api(redis);
    }

    @AfterAll
    static void close() {
        redis.close();
        Await.result(vertx.close());
    }

    @Test
    void setNxExClaimsAKeyOnceAndGivesItATimeToLive() {
        String key = "it:claim:" + TestServices.uniqueName("redis");

        Response first = Await.result(api.set(List.of(key, "first", "NX", "EX", "30")));
        Response second = Await.result(api.set(List.of(key, "second", "NX", "EX", "30")));

        assertThat(first).isNotNull();
        assertThat(first.toString()).isEqualTo("OK");
        assertThat(second).isNull();
        assertThat(Await.result(api.get(key)).toString()).isEqualTo("first");
        assertThat(Await.result(api.ttl(key)).toLong()).isBetween(1L, 30L);
        Await.result(api.del(List.of(key)));
    }

    @Test
    void aReleasedClaimCanBeTakenAgain() {
        String key = "it:claim:" + TestServices.uniqueName("redis");
        Await.result(api.set(List.of(key, "worker-1", "NX", "EX", "30")));

        Await.result(api.del(List.of(key)));
        Response retaken = Await.result(api.set(List.of(key, "worker-2", "NX", "EX", "30")));

        assertThat(retaken.toString()).isEqualTo("OK");
        assertThat(Await.result(api.get(key)).toString()).isEqualTo("worker-2");
        Await.result(api.del(List.of(key)));
    }
}
