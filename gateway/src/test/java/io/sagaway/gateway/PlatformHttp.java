package io.sagaway.gateway;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;

import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

/** What tests that start several platforms in one JVM say to each over HTTP: free ports, tokens, GraphQL. */
final class PlatformHttp {

    private PlatformHttp() {
    }

    static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A token from {@code platform}'s built-in issuer for a development user (password = name). */
    static String token(WebClient web, Platform platform, String user) throws Exception {
        return web.post(platform.httpPort(), "localhost", "/auth/token")
            .sendJsonObject(new JsonObject().put("username", user).put("password", user)).toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS).bodyAsJsonObject().getString("token");
    }

    /** The answer of {@code platform}'s GraphQL endpoint to {@code query}, sent with {@code token}. */
    static JsonObject gql(WebClient web, Platform platform, String token, String query) throws Exception {
        return web.post(platform.httpPort(), "localhost", "/graphql").putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(new JsonObject().put("query", query)).toCompletionStage().toCompletableFuture()
            .get(60, TimeUnit.SECONDS).bodyAsJsonObject();
    }
}
