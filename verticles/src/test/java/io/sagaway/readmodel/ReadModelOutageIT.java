package io.sagaway.readmodel;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.infra.InfraClients;
import io.sagaway.order.domain.OrderItem;
import io.sagaway.saga.domain.SagaPolicy;
import io.sagaway.stack.LocalStack;
import io.sagaway.stack.ServiceKind;
import io.sagaway.stack.StackSettings;
import io.sagaway.testing.Await;
import io.sagaway.testing.SagaFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Elasticsearch stopped and started again while orders flow: the projector pauses, loses nothing
 * and catches up; queries answer UNAVAILABLE meanwhile. Runs an Elasticsearch node of its own.
 */
class ReadModelOutageIT {

    private static final int PORT = 22000 + (int) (ProcessHandle.current().pid() % 900);
    private static LocalStack ownElasticsearch;
    private static SagaFixture platform;

    @BeforeAll
    static void start() {
        ownElasticsearch = new LocalStack(StackSettings.fromEnv(System.getenv()).withDir(Path.of("target/outage-es"))
            .withPorts(5432, 6379, 9092, 9093, PORT));
        ownElasticsearch.up(Set.of(ServiceKind.ELASTICSEARCH));
        EnumSet<SagaFixture.Part> parts = EnumSet.copyOf(SagaFixture.WRITE_SIDE);
        parts.add(SagaFixture.Part.PROJECTOR);
        platform = SagaFixture.start(SagaPolicy.DEFAULT, parts, ownElasticsearch.endpoints().elasticsearchUrl());
    }

    @AfterAll
    static void stop() {
        platform.close();
        ownElasticsearch.down();
    }

    @Test
    void ordersPlacedWhileElasticsearchIsDownAreAllProjectedOnceItIsBack() throws Exception {
        InfraClients.Elasticsearch es = InfraClients.elasticsearch(platform.elasticsearchUrl());
        var context = platform.vertx().getOrCreateContext();
        ReadModelQueries queries = new ReadModelQueries(es.client(), context, new ReadModelIndices(es.client(), context, platform.indexPrefix()));
        try {
            List<String> orders = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                orders.add(platform.placeOrder("alice", SagaFixture.SEOUL, new OrderItem("SKU-4", 1, new BigDecimal("5"))));
            }
            orders.forEach(platform::awaitFinished);
            awaitAllProjected(queries, orders);

            ownElasticsearch.stop(Set.of(ServiceKind.ELASTICSEARCH));
            for (int i = 0; i < 10; i++) {
                orders.add(platform.placeOrder("alice", SagaFixture.SEOUL, new OrderItem("SKU-4", 1, new BigDecimal("5"))));
            }
            orders.forEach(platform::awaitFinished);
            Throwable down = Await.failure(queries.order(orders.get(0)));
            assertThat(down).isInstanceOf(CommandFailure.class);
            assertThat(((CommandFailure) down).code()).isEqualTo(ErrorCode.UNAVAILABLE);
            Thread.sleep(3000);

            ownElasticsearch.up(Set.of(ServiceKind.ELASTICSEARCH));
            awaitAllProjected(queries, orders);
        } finally {
            es.close();
        }
    }

    private static void awaitAllProjected(ReadModelQueries queries, List<String> orders) {
        for (String orderId : orders) {
            int version = platform.orderRow(orderId).getInteger("version");
            SagaFixture.awaitValue(() -> {
                try {
                    return Await.result(queries.order(orderId)).filter(d -> d.getInteger("version") == version).orElse(null);
                } catch (AssertionError e) {
                    return null;
                }
            }, Duration.ofSeconds(90), "order " + orderId + " projected at version " + version);
        }
    }
}
