package io.sagaway.gateway.health;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ReadinessChecksTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    /**
     * A service that answers after its check gave up (a restarted Kafka, a busy machine) makes the
     * check KO; its late answer is dropped. It used to complete the check a second time, an
     * unhandled IllegalStateException on the event loop (seen in a chaos run's restarted gateway).
     */
    @Test
    void aServiceAnsweringAfterTheTimeoutLeavesTheCheckDownAndNothingUnhandled() throws Exception {
        List<Throwable> unhandled = new CopyOnWriteArrayList<>();
        vertx.exceptionHandler(unhandled::add);
        HealthChecks checks = HealthChecks.create(vertx);
        Promise<Void> late = Promise.promise();
        ReadinessChecks.register(checks, "slow", late::future);

        CheckResult result = checks.checkStatus("slow").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(result.getUp()).as("no answer within the check's timeout").isFalse();

        vertx.runOnContext(v -> late.complete());
        Thread.sleep(300);
        assertThat(unhandled).isEmpty();
    }

    @Test
    void aServiceAnsweringInTimeIsUpAndAFailureIsDownWithItsReason() throws Exception {
        HealthChecks checks = HealthChecks.create(vertx);
        ReadinessChecks.register(checks, "fine", Future::succeededFuture);
        ReadinessChecks.register(checks, "broken", () -> Future.failedFuture(new IllegalStateException("refused")));
        assertThat(checks.checkStatus("fine").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).getUp()).isTrue();
        CheckResult broken = checks.checkStatus("broken").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        assertThat(broken.getUp()).isFalse();
        assertThat(broken.getData().encode()).contains("IllegalStateException: refused");
    }
}
