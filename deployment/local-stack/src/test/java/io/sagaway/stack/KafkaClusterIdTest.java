package io.sagaway.stack;

import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaClusterIdTest {

    @Test
    void clusterIdsAreSixteenBytesAndNeverLookLikeAnOption() {
        for (int i = 0; i < 5000; i++) {
            String id = KafkaService.clusterId();
            assertThat(Character.isLetterOrDigit(id.charAt(0))).as(id).isTrue();
            assertThat(Base64.getUrlDecoder().decode(id)).hasSize(16);
        }
    }
}
