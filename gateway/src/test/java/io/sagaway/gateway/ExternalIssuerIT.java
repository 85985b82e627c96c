package io.sagaway.gateway;

import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.stack.StackResolver;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Tokens of an external issuer, verified by public key or JWKS, with the built-in issuer off. */
class ExternalIssuerIT {

    private static Vertx vertx;
    private static WebClient web;
    private static KeyPair keys;
    private static JWTAuth issuer;

    @BeforeAll
    static void keys() throws Exception {
        vertx = Vertx.vertx();
        web = WebClient.create(vertx);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        issuer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("RS256")
            .setBuffer(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))));
    }

    @AfterAll
    static void stop() throws Exception {
        web.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static String token(JsonObject claims) {
        return issuer.generateToken(claims, new JWTOptions().setAlgorithm("RS256").setExpiresInSeconds(300)
            .setHeader(new JsonObject().put("kid", "test-key")));
    }

    private static Platform start(Map<String, String> auth) throws Exception {
        String schema = "it_iss_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Map<String, String> env = new HashMap<>(auth);
        env.put(PlatformConfig.PG_SCHEMA, schema);
        env.put(PlatformConfig.TOPIC_PREFIX, schema + ".");
        env.put(PlatformConfig.INDEX_PREFIX, schema.replace('_', '-') + "-");
        Platform platform = new Platform(PlatformConfig.load(env, List.of("--port", Integer.toString(port), "--roles", "gateway")),
            Platform.endpoints(StackResolver.forTests()));
        platform.start();
        return platform;
    }

    private static HttpResponse<Buffer> graphql(Platform platform, String token, String query) throws Exception {
        return web.post(platform.httpPort(), "localhost", "/graphql").putHeader("Authorization", "Bearer " + token)
            .sendJsonObject(new JsonObject().put("query", query)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private static void checkTokensAreVerifiedAndTheBuiltInIssuerIsOff(Platform platform) throws Exception {
        String operator = token(new JsonObject().put("sub", "ops-1").put("roles", new JsonArray().add("operator")));
        String bob = token(new JsonObject().put("sub", "bob").put("roles", new JsonArray().add("customer")).put("customerId", "bob"));

        assertThat(graphql(platform, operator, "{ orders { totalCount } }").bodyAsJsonObject().getJsonArray("errors")).isNull();
        JsonObject forbidden = graphql(platform, bob, "{ account(customerId: \"alice\") { balance } }").bodyAsJsonObject();
        assertThat(forbidden.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code")).isEqualTo("FORBIDDEN");
        HttpResponse<Buffer> foreign = graphql(platform, JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(
                new PubSecKeyOptions().setAlgorithm("HS256").setBuffer("some other secret")))
            .generateToken(new JsonObject().put("sub", "mallory").put("roles", new JsonArray().add("operator"))), "{ orders { totalCount } }");
        assertThat(foreign.statusCode()).isEqualTo(401);
        var issue = web.post(platform.httpPort(), "localhost", "/auth/token")
            .sendJsonObject(new JsonObject().put("username", "admin").put("password", "admin")).toCompletionStage().toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
        assertThat(issue.statusCode()).isEqualTo(404);

        // Before: a token that is neither an operator's nor a customer's with a customerId read every customer's orders.
        for (JsonObject claims : List.of(new JsonObject().put("sub", "carol").put("roles", new JsonArray().add("customer")),
            new JsonObject().put("sub", "dave"), new JsonObject().put("sub", "erin").put("roles", new JsonArray().add("auditor")))) {
            for (String query : List.of("{ orders { totalCount edges { node { id } } } }", "{ stock(sku: \"SKU-1\") { available } }",
                "{ sagaForOrder(orderId: \"o-1\") { id } }")) {
                JsonObject refused = graphql(platform, token(claims), query).bodyAsJsonObject();
                assertThat(refused.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code"))
                    .as(claims + " " + query).isEqualTo("FORBIDDEN");
                JsonObject data = refused.getJsonObject("data");
                assertThat(data == null || data.stream().allMatch(field -> field.getValue() == null)).as(refused.encode()).isTrue();
            }
        }
    }

    @Test
    void aConfiguredPublicKeyVerifiesTheExternalIssuersTokens() throws Exception {
        Platform platform = start(Map.of(PlatformConfig.JWT_PUBLIC_KEY, pem("PUBLIC KEY", keys.getPublic().getEncoded())));
        try {
            checkTokensAreVerifiedAndTheBuiltInIssuerIsOff(platform);
        } finally {
            platform.stop();
        }
    }

    @Test
    void aJwksUrlVerifiesTheExternalIssuersTokens() throws Exception {
        RSAPublicKey key = (RSAPublicKey) keys.getPublic();
        Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
        JsonObject jwk = new JsonObject().put("kty", "RSA").put("kid", "test-key").put("alg", "RS256").put("use", "sig")
            .put("n", url.encodeToString(unsigned(key.getModulus().toByteArray())))
            .put("e", url.encodeToString(unsigned(key.getPublicExponent().toByteArray())));
        HttpServer jwks = vertx.createHttpServer().requestHandler(rq -> rq.response().putHeader("content-type", "application/json")
                .end(new JsonObject().put("keys", new JsonArray().add(jwk)).encode()))
            .listen(0).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Platform platform = start(Map.of(PlatformConfig.JWT_JWKS_URL, "http://127.0.0.1:" + jwks.actualPort() + "/jwks.json"));
        try {
            checkTokensAreVerifiedAndTheBuiltInIssuerIsOff(platform);
        } finally {
            platform.stop();
            jwks.close();
        }
    }

    private static byte[] unsigned(byte[] bytes) {
        return bytes.length > 1 && bytes[0] == 0 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }
}
