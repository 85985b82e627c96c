package io.sagaway.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.ConnectException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.TimeoutException;

/**
 * A client of the platform's public HTTP API, as the benchmarks use it: tokens from the built-in
 * issuer ({@code POST /auth/token}) and GraphQL over {@code POST /graphql}. A request fails only
 * when no GraphQL answer came back (connection, timeout, a body that is not JSON): those are
 * {@link TransportFailure}s. GraphQL errors come back in the answer, or as a
 * {@link GraphQLError} from {@link #data}.
 */
public final class GraphQLClient {

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final WebClient web;
    private final String tokenUrl;
    private final String graphqlUrl;

    /** The request reached no GraphQL answer. */
    public static final class TransportFailure extends RuntimeException {
        TransportFailure(String message) {
            super(message);
        }
    }

    /** The answer carried errors; {@code code} is the first one's {@code extensions.code}. */
    public static final class GraphQLError extends RuntimeException {
        private final String code;

        GraphQLError(String code, String message) {
            super(code + ": " + message);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private GraphQLClient(WebClient web, URI url) {
        this.web = web;
        this.tokenUrl = url.resolve("/auth/token").toString();
        this.graphqlUrl = url.resolve("/graphql").toString();
    }

    /** A client of the platform at {@code url} keeping up to {@code connections} HTTP/1.1 connections open. */
    public static GraphQLClient create(Vertx vertx, URI url, int connections) {
        WebClientOptions options = new WebClientOptions().setKeepAlive(true).setUserAgent("sagaway-bench");
        PoolOptions pool = new PoolOptions().setHttp1MaxSize(connections).setMaxWaitQueueSize(-1);
        return new GraphQLClient(WebClient.create(vertx, options, pool), url);
    }

    /** A token of the built-in issuer for {@code username}. */
    public Future<String> token(String username, String password) {
        return web.postAbs(tokenUrl).timeout(REQUEST_TIMEOUT.toMillis())
            .sendJsonObject(new JsonObject().put("username", username).put("password", password))
            .compose(response -> response.statusCode() == 200
                ? Future.succeededFuture(response.bodyAsJsonObject().getString("token"))
                : Future.failedFuture(new IllegalStateException("no token for " + username + ": HTTP " + response.statusCode())));
    }

    /** The GraphQL answer ({@code data} and/or {@code errors}) to {@code query} with {@code variables}. */
    public Future<JsonObject> execute(String token, String query, JsonObject variables) {
        return web.postAbs(graphqlUrl).timeout(REQUEST_TIMEOUT.toMillis())
            .putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(new JsonObject().put("query", query).put("variables", variables))
            .recover(e -> Future.failedFuture(new TransportFailure(kindOf(e))))
            .compose(GraphQLClient::answerOf);
    }

    /** The answer's {@code data}, or a failed future with a {@link GraphQLError} when it carries errors. */
    public Future<JsonObject> data(String token, String query, JsonObject variables) {
        return execute(token, query, variables).compose(answer -> {
            JsonArray errors = answer.getJsonArray("errors");
            if (errors != null && !errors.isEmpty()) {
                return Future.failedFuture(new GraphQLError(errorCode(answer), errors.getJsonObject(0).getString("message")));
            }
            return Future.succeededFuture(answer.getJsonObject("data"));
        });
    }

    public Future<JsonObject> data(String token, String query) {
        return data(token, query, new JsonObject());
    }

    /** The {@code extensions.code} of the answer's first error, {@code NO_CODE} when it has none, null when there is no error. */
    public static String errorCode(JsonObject answer) {
        JsonArray errors = answer.getJsonArray("errors");
        if (errors == null || errors.isEmpty()) {
            return null;
        }
        JsonObject extensions = errors.getJsonObject(0).getJsonObject("extensions");
        String code = extensions == null ? null : extensions.getString("code");
        return code == null ? "NO_CODE" : code;
    }

    /**
     * A claim of a JWT, read without verifying it: the client only needs to know whom the
     * issuer made it for (the server verifies every token it gets).
     */
    static String claim(String token, String name) {
        String[] parts = token.split("\\.");
        if (parts.length < 2) {
            throw new IllegalArgumentException("not a JWT");
        }
        return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)).getString(name);
    }

    public void close() {
        web.close();
    }

    /** A short, stable name for a failure to get an answer, fit to count failures by. */
    private static String kindOf(Throwable failure) {
        if (failure instanceof TimeoutException) {
            return "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        }
        if (failure instanceof ConnectException) {
            return "connection refused";
        }
        return failure.getClass().getSimpleName();
    }

    private static Future<JsonObject> answerOf(HttpResponse<Buffer> response) {
        try {
            JsonObject answer = response.bodyAsJsonObject();
            return answer != null ? Future.succeededFuture(answer)
                : Future.failedFuture(new TransportFailure("HTTP " + response.statusCode() + " without a body"));
        } catch (DecodeException e) {
            return Future.failedFuture(new TransportFailure("HTTP " + response.statusCode() + " with a body that is not JSON"));
        }
    }
}
