package io.sagaway.gateway;

import io.sagaway.gateway.config.ConfigException;
import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.gateway.config.Role;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PlatformConfigTest {

    @Test
    void withNothingConfiguredEveryServiceComesFromTheLocalStackOnPort8080() {
        PlatformConfig config = PlatformConfig.load(Map.of(), List.of());

        assertThat(config.httpPort()).isEqualTo(8080);
        assertThat(config.roles()).containsExactlyInAnyOrder(Role.values());
        assertThat(config.needsLocalStack()).isTrue();
        assertThat(config.postgresUrl()).isEmpty();
    }

    @Test
    void externalServicesAreTakenFromTheEnvironment() {
        PlatformConfig config = PlatformConfig.load(Map.of(
            "SAGAWAY_PG_URL", "postgresql://u:p@db.internal:5432/orders",
            "SAGAWAY_REDIS_URL", "redis://cache:6379",
            "SAGAWAY_KAFKA_BOOTSTRAP_SERVERS", "k1:9092,k2:9092",
            "SAGAWAY_ELASTICSEARCH_URL", "https://search:9200",
            "SAGAWAY_HTTP_PORT", "9000"), List.of());

        assertThat(config.needsLocalStack()).isFalse();
        assertThat(config.kafkaBootstrapServers()).isEqualTo(Optional.of("k1:9092,k2:9092"));
        assertThat(config.httpPort()).isEqualTo(9000);
    }

    @Test
    void theKafkaSessionIsThirtySecondsUnlessSetWithinTheBrokersBounds() {
        assertThat(PlatformConfig.load(Map.of(), List.of()).kafkaSessionTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(PlatformConfig.load(Map.of("SAGAWAY_KAFKA_SESSION_TIMEOUT_MS", "10000"), List.of()).kafkaSessionTimeout())
            .isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_KAFKA_SESSION_TIMEOUT_MS", "1000"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_KAFKA_SESSION_TIMEOUT_MS");
    }

    @Test
    void lineageIsKeptADayAndLinksToATraceViewerOnlyWithAnIdPlaceholder() {
        PlatformConfig defaults = PlatformConfig.load(Map.of(), List.of());
        assertThat(defaults.lineageRetention()).isEqualTo(Duration.ofHours(24));
        assertThat(defaults.traceUiUrl()).isEmpty();

        PlatformConfig config = PlatformConfig.load(Map.of("SAGAWAY_LINEAGE_RETENTION_HOURS", "72",
            "SAGAWAY_TRACE_UI_URL", "http://jaeger:16686/trace/{traceId}"), List.of());
        assertThat(config.lineageRetention()).isEqualTo(Duration.ofHours(72));
        assertThat(config.traceUiUrl()).contains("http://jaeger:16686/trace/{traceId}");

        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_TRACE_UI_URL", "http://jaeger:16686/search"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("{traceId}");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_TRACE_UI_URL", "jaeger/{traceId}"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_TRACE_UI_URL");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_LINEAGE_RETENTION_HOURS", "0"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_LINEAGE_RETENTION_HOURS");
    }

    @Test
    void aProcessRunsAloneUnlessGivenClusterMembers() {
        assertThat(PlatformConfig.load(Map.of(), List.of()).cluster()).isEmpty();

        PlatformConfig config = PlatformConfig.load(Map.of("SAGAWAY_CLUSTER_MEMBERS", "10.0.0.1:5701, node-b , node-c:5702",
            "SAGAWAY_CLUSTER_PORT", "5702", "SAGAWAY_CLUSTER_HOST", "10.0.0.2", "SAGAWAY_CLUSTER_NAME", "orders-eu"), List.of());

        PlatformConfig.Cluster cluster = config.cluster().orElseThrow();
        assertThat(cluster.members()).containsExactly("10.0.0.1:5701", "node-b", "node-c:5702");
        assertThat(cluster.port()).isEqualTo(5702);
        assertThat(cluster.host()).isEqualTo("10.0.0.2");
        assertThat(cluster.name()).isEqualTo("orders-eu");
        assertThat(cluster.eventBusPort()).isZero();
        assertThat(cluster.serviceDns()).isEmpty();

        PlatformConfig.Cluster onKubernetes = PlatformConfig.load(Map.of("SAGAWAY_CLUSTER_DNS", "sagaway-cluster.orders.svc.cluster.local"),
            List.of()).cluster().orElseThrow();
        assertThat(onKubernetes.serviceDns()).isEqualTo("sagaway-cluster.orders.svc.cluster.local");
        assertThat(onKubernetes.members()).isEmpty();
    }

    @Test
    void clusterSettingsWithoutMembersOrWithABadMemberAreRefused() {
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_CLUSTER_PORT", "5701"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_CLUSTER_MEMBERS");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_CLUSTER_MEMBERS", "a:1:2"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("host[:port]");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_CLUSTER_MEMBERS", "a:99999"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_CLUSTER_MEMBERS");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_CLUSTER_MEMBERS", "a", "SAGAWAY_CLUSTER_NAME", "no spaces"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_CLUSTER_NAME");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_CLUSTER_MEMBERS", "a", "SAGAWAY_CLUSTER_DNS", "b"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("not both");
    }

    @Test
    void commandLineFlagsOverrideTheEnvironment() {
        PlatformConfig config = PlatformConfig.load(Map.of("SAGAWAY_HTTP_PORT", "9000"), List.of("--port", "9100", "--roles", "gateway"));

        assertThat(config.httpPort()).isEqualTo(9100);
        assertThat(config.roles()).containsExactly(Role.GATEWAY);
    }

    @Test
    void rolesAreNamedInKebabCaseAndStorageSettingsHaveDefaults() {
        PlatformConfig config = PlatformConfig.load(Map.of("SAGAWAY_ROLES", "order-commands, outbox-relay",
            "SAGAWAY_PG_SCHEMA", "orders_eu", "SAGAWAY_KAFKA_PARTITIONS", "12"), List.of());

        assertThat(config.roles()).containsExactlyInAnyOrder(Role.ORDER_COMMANDS, Role.OUTBOX_RELAY);
        assertThat(config.postgresSchema()).isEqualTo("orders_eu");
        assertThat(config.kafkaPartitions()).isEqualTo(12);
        assertThat(config.kafkaReplication()).isEqualTo((short) 1);
        assertThat(config.snapshotEvery()).isEqualTo(50);
        assertThat(config.relayBatchSize()).isEqualTo(256);
    }

    @Test
    void eachBadValueStopsTheStartNamingTheSetting() {
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_PG_SCHEMA", "Robert'); DROP TABLE"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_PG_SCHEMA");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_HTTP_PORT", "eighty"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_HTTP_PORT");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_PG_URL", "mysql://x:3306/db"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_PG_URL");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_KAFKA_BOOTSTRAP_SERVERS", "k1"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_KAFKA_BOOTSTRAP_SERVERS");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_ELASTICSEARCH_URL", "search:9200"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_ELASTICSEARCH_URL");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_ROLES", "gateway,teleporter"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_ROLES").hasMessageContaining("teleporter");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_PG_POOL_SIZE", "0"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_PG_POOL_SIZE");
        assertThatThrownBy(() -> PlatformConfig.load(Map.of("SAGAWAY_MAX_REQUEST_BYTES", "2000000"), List.of()))
            .isInstanceOf(ConfigException.class).hasMessageContaining("SAGAWAY_MAX_REQUEST_BYTES").hasMessageContaining("Kafka");
        assertThat(PlatformConfig.load(Map.of("SAGAWAY_MAX_REQUEST_BYTES", "1048576"), List.of()).maxRequestBytes()).isEqualTo(1_048_576);
        assertThatThrownBy(() -> PlatformConfig.load(Map.of(), List.of("--port")))
            .isInstanceOf(ConfigException.class).hasMessageContaining("--port");
    }
}
