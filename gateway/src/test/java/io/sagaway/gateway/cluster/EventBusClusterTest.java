package io.sagaway.gateway.cluster;

import com.hazelcast.config.Config;
import io.sagaway.gateway.config.PlatformConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class EventBusClusterTest {

    private static Config configOf(Map<String, String> env) {
        return EventBusCluster.hazelcast(PlatformConfig.load(env, java.util.List.of()).cluster().orElseThrow());
    }

    @Test
    void staticMembersJoinOverTcpOnly() {
        Config config = configOf(Map.of("SAGAWAY_CLUSTER_MEMBERS", "127.0.0.1:5701,127.0.0.1:5702", "SAGAWAY_CLUSTER_NAME", "blue"));
        assertThat(config.getClusterName()).isEqualTo("blue");
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().isEnabled()).isTrue();
        assertThat(config.getNetworkConfig().getJoin().getTcpIpConfig().getMembers()).containsExactly("127.0.0.1:5701", "127.0.0.1:5702");
        assertThat(config.getNetworkConfig().getJoin().getMulticastConfig().isEnabled()).isFalse();
        assertThat(config.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    }

    /**
     * A member dropped for silence forms a cluster of its own; a restarted member may join that
     * one. The two must merge within seconds, not Hazelcast's default five minutes, or a gateway
     * stays without the command handlers (found by the chaos run).
     */
    @Test
    void splitClustersMergeWithinSecondsAndSilentMembersGoWithinHalfAMinute() {
        Config config = configOf(Map.of("SAGAWAY_CLUSTER_MEMBERS", "127.0.0.1:5701"));
        assertThat(Integer.parseInt(config.getProperty("hazelcast.merge.first.run.delay.seconds"))).isLessThanOrEqualTo(10);
        assertThat(Integer.parseInt(config.getProperty("hazelcast.merge.next.run.delay.seconds"))).isLessThanOrEqualTo(10);
        assertThat(Integer.parseInt(config.getProperty("hazelcast.max.no.heartbeat.seconds"))).isEqualTo(30);
    }
}
