package io.sagaway.gateway.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.sagaway.gateway.config.PlatformConfig;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * The clustered event bus: Hazelcast keeps the membership and the map of which process consumes
 * which address; messages go straight from process to process over the event bus's own TCP port.
 * Members find each other through the static list they are given, or on Kubernetes through a
 * headless Service's DNS name (no multicast either way), and only members with the same cluster
 * name join.
 */
public final class EventBusCluster {

    /**
     * How long a member may stay silent (paused, starved, cut off) before the others drop it and
     * stop sending it requests; a killed member is dropped at once, when its connections close.
     * Hazelcast's default is 60 s, for which requests to a hung member would time out. 10 s was
     * too short: in the chaos run, on two cores busy with a restarting JVM, a healthy gateway
     * missed 11 s of heartbeats and was split off.
     */
    static final int SILENT_MEMBER_SECONDS = 30;
    /** How often a member looks for another cluster of the same name to merge with. */
    static final int MERGE_CHECK_SECONDS = 5;

    private EventBusCluster() {
    }

    /** The cluster manager for {@code cluster}. */
    public static ClusterManager manager(PlatformConfig.Cluster cluster) {
        return new HazelcastClusterManager(hazelcast(cluster));
    }

    /** Binds the event bus to the cluster's host and port, so other members can reach this one. */
    public static VertxOptions withEventBus(VertxOptions options, PlatformConfig.Cluster cluster) {
        return options.setEventBusOptions(new EventBusOptions().setHost(cluster.host()).setPort(cluster.eventBusPort()));
    }

    static Config hazelcast(PlatformConfig.Cluster cluster) {
        // Vert.x's own maps (subscriptions, node info) with their backups, from the module's default configuration.
        Config config = ConfigUtil.loadConfig();
        config.setClusterName(cluster.name());
        config.setProperty("hazelcast.phone.home.enabled", "false");
        config.setProperty("hazelcast.logging.type", "slf4j");
        // Vert.x leaves the cluster when the platform stops; Hazelcast's own hook would race it.
        config.setProperty("hazelcast.shutdownhook.enabled", "false");
        config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
        config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(SILENT_MEMBER_SECONDS));
        config.setProperty("hazelcast.local.localAddress", cluster.host());
        // A member dropped for silence (a long GC pause, SIGSTOP) comes back as a cluster of its own, and a restarted
        // member may join it rather than the others: two event buses, each missing the other's handlers (the chaos run
        // found a restarted gateway answering UNAVAILABLE for a minute). Hazelcast merges such splits, by default only
        // after 300 s and then every 120 s; Vert.x publishes its handlers again after a merge. Look every few seconds.
        config.setProperty("hazelcast.merge.first.run.delay.seconds", Integer.toString(MERGE_CHECK_SECONDS));
        config.setProperty("hazelcast.merge.next.run.delay.seconds", Integer.toString(MERGE_CHECK_SECONDS));
        NetworkConfig network = config.getNetworkConfig();
        network.setPort(cluster.port()).setPortAutoIncrement(true).setPortCount(20);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        if (cluster.serviceDns().isEmpty()) {
            join.getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
        } else {
            // Kubernetes: the headless Service's DNS name answers every ready pod's address.
            join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", cluster.serviceDns())
                .setProperty("service-port", Integer.toString(cluster.port()));
        }
        return config;
    }
}
