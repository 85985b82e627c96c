package io.sagaway.gateway.auth;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.graphql.Caller;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Verifies bearer tokens (JWT, HS256) and, as the built-in issuer, signs tokens for configured
 * users. A token carries {@code sub}, {@code roles} and, for customers, {@code customerId}.
 */
public final class AuthService {

    /** A user of the built-in issuer. */
    public record User(String username, String password, Set<String> roles, String customerId) {
    }

    /** The development users: admin (operator), alice and bob (customers). */
    public static final List<User> DEVELOPMENT_USERS = List.of(
        new User("admin", "admin", Set.of(Caller.OPERATOR), null),
        new User("alice", "alice", Set.of(Caller.CUSTOMER), "alice"),
        new User("bob", "bob", Set.of(Caller.CUSTOMER), "bob"));

    /** How many verified tokens are remembered, and for how long at most (never past their expiry). */
    private static final int VERIFIED_CAPACITY = 10_000;
    private static final long VERIFIED_FOR_MS = Duration.ofMinutes(5).toMillis();

    /** A token already verified: its caller, until {@code untilMs}. */
    private record Verified(Caller caller, long untilMs) {
    }

    private final JWTAuth jwt;
    private final List<User> users;
    private final Duration tokenLifetime;
    /**
     * Tokens verified before, so a client's every request does not check the signature and parse
     * the claims again. Only tokens with an expiry are kept, and never past it.
     */
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    /** The built-in issuer: tokens signed and verified with a shared HS256 secret. */
    public AuthService(Vertx vertx, String secret, List<User> users, Duration tokenLifetime) {
        this(JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(secret))),
            users, tokenLifetime);
    }

    private AuthService(JWTAuth jwt, List<User> users, Duration tokenLifetime) {
        this.jwt = jwt;
        this.users = List.copyOf(users);
        this.tokenLifetime = tokenLifetime;
    }

    /**
     * Tokens of an external issuer, verified with its public key (PEM) and algorithm, e.g. RS256;
     * the built-in issuer is off.
     */
    public static AuthService externalKey(Vertx vertx, String algorithm, String publicKeyPem) {
        return new AuthService(JWTAuth.create(vertx, new JWTAuthOptions()
            .addPubSecKey(new PubSecKeyOptions().setAlgorithm(algorithm).setBuffer(publicKeyPem))), List.of(), Duration.ZERO);
    }

    /** Tokens of an external issuer, verified with the keys of its JWKS (fetched at start); the built-in issuer is off. */
    public static AuthService externalJwks(Vertx vertx, List<JsonObject> jwks) {
        return new AuthService(JWTAuth.create(vertx, new JWTAuthOptions().setJwks(jwks)), List.of(), Duration.ZERO);
    }

    /** Whether {@code POST /auth/token} serves tokens. */
    public boolean issues() {
        return !users.isEmpty();
    }

    /** The caller of an {@code Authorization} header value; fails with UNAUTHENTICATED. */
    public Future<Caller> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
            return Future.failedFuture(new CommandFailure(ErrorCode.UNAUTHENTICATED, "send Authorization: Bearer <token> (POST /auth/token issues one)"));
        }
        String token = authorization.substring(7).trim();
        long now = System.currentTimeMillis();
        Verified known = verified.get(token);
        if (known != null && now < known.untilMs()) {
            return Future.succeededFuture(known.caller());
        }
        return jwt.authenticate(new TokenCredentials(token))
            .map(user -> {
                JsonObject claims = user.principal();
                Set<String> roles = new HashSet<>();
                Object raw = claims.getValue("roles");
                if (raw instanceof JsonArray array) {
                    array.forEach(r -> roles.add(String.valueOf(r)));
                } else if (raw instanceof String role) {
                    roles.add(role);
                }
                Caller caller = new Caller(claims.getString("sub"), Set.copyOf(roles), claims.getString("customerId"));
                remember(token, caller, claims.getValue("exp"), now);
                return caller;
            })
            .recover(e -> Future.failedFuture(new CommandFailure(ErrorCode.UNAUTHENTICATED, "the token is invalid or expired")));
    }

    private void remember(String token, Caller caller, Object expiresAtSeconds, long now) {
        if (!(expiresAtSeconds instanceof Number exp)) {
            return;
        }
        if (verified.size() >= VERIFIED_CAPACITY) {
            verified.clear(); // simpler than eviction order: a forgotten token is only verified once more
        }
        verified.put(token, new Verified(caller, Math.min(exp.longValue() * 1000, now + VERIFIED_FOR_MS)));
    }

    /** A token for a user of the built-in issuer, if the credentials match. */
    public Optional<String> issue(String username, String password) {
        return users.stream()
            .filter(u -> u.username().equals(username) && constantTimeEquals(u.password(), password))
            .findFirst()
            .map(u -> {
                JsonObject claims = new JsonObject().put("sub", u.username()).put("roles", new JsonArray(List.copyOf(u.roles())));
                if (u.customerId() != null) {
                    claims.put("customerId", u.customerId());
                }
                return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds((int) tokenLifetime.toSeconds()));
            });
    }

    public long tokenLifetimeSeconds() {
        return tokenLifetime.toSeconds();
    }

    private static boolean constantTimeEquals(String expected, String given) {
        return given != null && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }
}
