package io.sagaway.esnode;

import org.apache.lucene.util.Version;
import org.elasticsearch.Build;
import org.elasticsearch.client.internal.node.NodeClient;
import org.elasticsearch.cluster.node.DiscoveryNodes;
import org.elasticsearch.features.NodeFeature;
import org.elasticsearch.plugins.ActionPlugin;
import org.elasticsearch.plugins.Plugin;
import org.elasticsearch.rest.RestChannel;
import org.elasticsearch.rest.RestHandler;
import org.elasticsearch.rest.RestRequest;
import org.elasticsearch.rest.RestResponse;
import org.elasticsearch.rest.RestStatus;

import java.util.Collection;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Serves {@code GET /} and {@code HEAD /}. The distribution gets them from its {@code rest-root}
 * module, which is not published to Maven Central; clients' {@code info()} and {@code ping()}
 * need them.
 */
public final class RootInfoPlugin extends Plugin implements ActionPlugin {

    @Override
    public Collection<RestHandler> getRestHandlers(
        RestHandlersServices services,
        Supplier<DiscoveryNodes> nodesInCluster,
        Predicate<NodeFeature> clusterSupportsFeature
    ) {
        String clusterName = services.settings().get("cluster.name", "elasticsearch");
        String nodeName = services.settings().get("node.name", "node");
        return List.of(new RootHandler(nodeName, clusterName));
    }

    private record RootHandler(String nodeName, String clusterName) implements RestHandler {

        @Override
        public List<Route> routes() {
            return List.of(new Route(RestRequest.Method.GET, "/"), new Route(RestRequest.Method.HEAD, "/"));
        }

        @Override
        public void handleRequest(RestRequest request, RestChannel channel,
                                  NodeClient client) {
            Build build = Build.current();
            String body = """
                {"name":"%s","cluster_name":"%s","cluster_uuid":"_na_","version":{"number":"%s",\
                "build_flavor":"%s","build_type":"%s","build_hash":"%s","build_date":"%s","build_snapshot":%s,\
                "lucene_version":"%s","minimum_wire_compatibility_version":"%s",\
                "minimum_index_compatibility_version":"%s"},"tagline":"You Know, for Search"}"""
                .formatted(nodeName, clusterName, build.version(), build.flavor(), build.type().displayName(),
                    build.hash(), build.date(), build.isSnapshot(), Version.LATEST,
                    build.minWireCompatVersion(), build.minIndexCompatVersion());
            channel.sendResponse(new RestResponse(RestStatus.OK, "application/json; charset=UTF-8", body));
        }
    }
}
