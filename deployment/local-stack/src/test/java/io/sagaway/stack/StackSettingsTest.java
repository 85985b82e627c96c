package io.sagaway.stack;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StackSettingsTest {

    private static final Map<String, String> HOME = Map.of("SAGAWAY_HOME", "/srv/sagaway");

    @Test
    void defaultsAreTheStandardPortsAndAFolderInTheRepository() {
        StackSettings settings = StackSettings.fromEnv(HOME);

        assertThat(settings.postgresPort()).isEqualTo(5432);
        assertThat(settings.redisPort()).isEqualTo(6379);
        assertThat(settings.kafkaPort()).isEqualTo(9092);
        assertThat(settings.elasticsearchPort()).isEqualTo(9200);
        assertThat(settings.dir()).isEqualTo(Path.of("/srv/sagaway/.local-stack"));
        assertThat(settings.endpoints().postgresUri()).isEqualTo("postgresql://sagaway:sagaway@127.0.0.1:5432/sagaway");
    }

    @Test
    void everyPortAndTheFolderCanBeChosen() {
        StackSettings settings = StackSettings.fromEnv(Map.of(
            "SAGAWAY_HOME", "/srv/sagaway",
            "SAGAWAY_STACK_DIR", "/data/stack",
            "SAGAWAY_STACK_POSTGRES_PORT", "15432",
            "SAGAWAY_STACK_REDIS_PORT", "16379",
            "SAGAWAY_STACK_KAFKA_PORT", "19092",
            "SAGAWAY_STACK_KAFKA_CONTROLLER_PORT", "19093",
            "SAGAWAY_STACK_ELASTICSEARCH_PORT", "19200"));

        assertThat(settings.dir()).isEqualTo(Path.of("/data/stack"));
        assertThat(settings.endpoints().redisUri()).isEqualTo("redis://127.0.0.1:16379");
        assertThat(settings.endpoints().kafkaBootstrap()).isEqualTo("127.0.0.1:19092");
        assertThat(settings.kafkaControllerPort()).isEqualTo(19093);
        assertThat(settings.endpoints().elasticsearchUrl()).isEqualTo("http://127.0.0.1:19200");
        assertThat(settings.serviceDir(ServiceKind.POSTGRESQL)).isEqualTo(Path.of("/data/stack/postgres"));
    }

    @Test
    void aBadPortNamesTheVariable() {
        assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SAGAWAY_HOME", "/x", "SAGAWAY_STACK_KAFKA_PORT", "ninety")))
            .hasMessageContaining("SAGAWAY_STACK_KAFKA_PORT");
        assertThatThrownBy(() -> StackSettings.fromEnv(Map.of("SAGAWAY_HOME", "/x", "SAGAWAY_STACK_REDIS_PORT", "70000")))
            .hasMessageContaining("SAGAWAY_STACK_REDIS_PORT");
    }

    @Test
    void servicesAreNamedInAnyCommonSpelling() {
        assertThat(ServiceKind.parse("postgres")).isEqualTo(ServiceKind.POSTGRESQL);
        assertThat(ServiceKind.parse("Elasticsearch")).isEqualTo(ServiceKind.ELASTICSEARCH);
        assertThatThrownBy(() -> ServiceKind.parse("mongo")).hasMessageContaining("mongo");
    }
}
