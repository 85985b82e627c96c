package io.sagaway.infra;

import co.elastic.clients.elasticsearch.ElasticsearchAsyncClient;
import co.elastic.clients.elasticsearch._types.ElasticsearchException;
import co.elastic.clients.elasticsearch._types.Refresh;
import co.elastic.clients.elasticsearch._types.mapping.DynamicMapping;
import co.elastic.clients.elasticsearch.core.SearchResponse;
import io.sagaway.testing.Await;
import io.sagaway.testing.TestServices;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

class ElasticsearchIT {

    private static Vertx vertx;
    private static Context context;
    private static InfraClients.Elasticsearch elasticsearch;
    private static ElasticsearchAsyncClient client;
    private static String index;

    @BeforeAll
    static void createIndex() {
        vertx = Vertx.vertx();
        context = vertx.getOrCreateContext();
        elasticsearch = InfraClients.elasticsearch(TestServices.endpoints().elasticsearchUrl());
        client = elasticsearch.client();
        index = TestServices.uniqueName("it-es").replace('_', '-');
        call(() -> client.indices().create(c -> c.index(index).mappings(m -> m
            .dynamic(DynamicMapping.Strict)
            .properties("orderId", p -> p.keyword(k -> k))
            .properties("status", p -> p.keyword(k -> k))
            .properties("totalMinor", p -> p.long_(l -> l)))));
    }

    @AfterAll
    static void deleteIndex() throws Exception {
        call(() -> client.indices().delete(d -> d.index(index)));
        elasticsearch.close();
        Await.result(vertx.close());
    }

    @Test
    void anIndexedDocumentIsFoundByATermSearch() {
        call(() -> client.index(i -> i.index(index).id("o-1").refresh(Refresh.WaitFor)
            .document(Map.of("orderId", "o-1", "status", "PAID", "totalMinor", 4990L))));
        call(() -> client.index(i -> i.index(index).id("o-2").refresh(Refresh.WaitFor)
            .document(Map.of("orderId", "o-2", "status", "PENDING", "totalMinor", 100L))));

        @SuppressWarnings("rawtypes")
        SearchResponse<Map> found = call(() -> client.search(s -> s.index(index)
            .query(q -> q.term(t -> t.field("status").value("PAID"))), Map.class));

        assertThat(found.hits().total().value()).isEqualTo(1);
        assertThat(found.hits().hits().get(0).id()).isEqualTo("o-1");
    }

    @Test
    void aStrictMappingRefusesAFieldItDoesNotDeclare() {
        Throwable failure = Await.failure(InfraClients.onContext(context, () -> client.index(i -> i.index(index).id("bad")
            .document(Map.of("orderId", "bad", "surprise", "field")))));

        assertThat(failure).isInstanceOf(ElasticsearchException.class)
            .hasMessageContaining("strict_dynamic_mapping_exception");
    }

    private static <T> T call(Supplier<? extends CompletionStage<T>> request) {
        Future<T> future = InfraClients.onContext(context, request);
        return Await.result(future);
    }
}
