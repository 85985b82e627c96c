package io.sagaway.gateway.auth;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.graphql.Caller;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Verified tokens are remembered, but never past their expiry, and a forged one is never taken. */
class AuthServiceTest {

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
    }

    @Test
    void aTokenIsTakenAgainAndAgainWithTheSameCaller() throws Exception {
        AuthService auth = new AuthService(vertx, "a-secret-of-at-least-32-bytes-0000", AuthService.DEVELOPMENT_USERS, Duration.ofMinutes(5));
        String token = auth.issue("alice", "alice").orElseThrow();

        Caller first = await(auth.authenticate("Bearer " + token));
        Caller second = await(auth.authenticate("Bearer " + token));

        assertThat(first).isEqualTo(new Caller("alice", Set.of(Caller.CUSTOMER), "alice"));
        assertThat(second).isEqualTo(first);
    }

    @Test
    void aRememberedTokenIsRefusedOnceItExpires() throws Exception {
        // JWT times are whole seconds: a 3 s token issued at t expires between t + 2 and t + 3.
        AuthService auth = new AuthService(vertx, "a-secret-of-at-least-32-bytes-0000", AuthService.DEVELOPMENT_USERS, Duration.ofSeconds(3));
        String token = auth.issue("bob", "bob").orElseThrow();
        assertThat(await(auth.authenticate("Bearer " + token)).subject()).isEqualTo("bob");

        Thread.sleep(4_100); // past its expiry, whatever fraction of a second it was issued at

        assertUnauthenticated(auth, token);
    }

    @Test
    void aTokenSignedWithAnotherKeyOrAlteredIsRefusedEvenAfterTheRealOneWasTaken() throws Exception {
        AuthService auth = new AuthService(vertx, "a-secret-of-at-least-32-bytes-0000", AuthService.DEVELOPMENT_USERS, Duration.ofMinutes(5));
        AuthService other = new AuthService(vertx, "another-secret-of-at-least-32-byte", AuthService.DEVELOPMENT_USERS, Duration.ofMinutes(5));
        String token = auth.issue("alice", "alice").orElseThrow();
        await(auth.authenticate("Bearer " + token));

        assertUnauthenticated(auth, other.issue("admin", "admin").orElseThrow());
        assertUnauthenticated(auth, token.substring(0, token.length() - 2) + (token.endsWith("A") ? "BB" : "AA"));
    }

    private static void assertUnauthenticated(AuthService auth, String token) {
        assertThatThrownBy(() -> await(auth.authenticate("Bearer " + token)))
            .isInstanceOfSatisfying(CommandFailure.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    }

    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }
}
