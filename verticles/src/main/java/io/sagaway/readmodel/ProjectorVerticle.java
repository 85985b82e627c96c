package io.sagaway.readmodel;

import io.sagaway.eventstore.EventStore;
import io.sagaway.infra.InfraClients;
import io.sagaway.messaging.DeadLetters;
import io.sagaway.messaging.TopicNames;
import io.sagaway.order.store.OrderRepository;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;

import java.util.List;

/**
 * Keeps the read model current: the order projector on {@code order.events} and the saga
 * projector on {@code saga.events}, each in its own consumer group, writing in bulk and
 * committing offsets only after Elasticsearch acknowledged, and setting aside as dead letters the
 * events that can never be projected.
 */
public final class ProjectorVerticle extends VerticleBase {

    public record Settings(TopicNames topics, String indexPrefix, String postgresUri, String schema, String elasticsearchUrl,
                           String kafkaBootstrapServers) {
    }

    private final Settings settings;
    private Pool pool;
    private InfraClients.Elasticsearch elasticsearch;
    private ProjectionConsumer orders;
    private ProjectionConsumer sagas;

    public ProjectorVerticle(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Future<?> start() {
        pool = InfraClients.postgres(vertx, settings.postgresUri(), settings.schema(), 2);
        elasticsearch = InfraClients.elasticsearch(settings.elasticsearchUrl());
        var es = elasticsearch.client();
        var context = vertx.getOrCreateContext();
        ReadModelIndices indices = new ReadModelIndices(es, context, settings.indexPrefix());
        WriteTargets targets = new WriteTargets(indices, pool);
        OrderProjector orderProjector = new OrderProjector(es, context,
            new OrderRepository(pool, new EventStore(), settings.topics().orderEvents(), Integer.MAX_VALUE),
            () -> targets.of(ReadModelIndices.Kind.ORDERS), vertx.eventBus());
        DeadLetters deadLetters = new DeadLetters(pool);
        SagaProjector sagaProjector = new SagaProjector(es, context, () -> targets.of(ReadModelIndices.Kind.SAGAS), vertx.eventBus(), pool);
        orders = new ProjectionConsumer(vertx, settings.topics().consumer("order-projector"), List.of(settings.topics().orderEvents()),
            settings.kafkaBootstrapServers(), orderProjector::project, deadLetters);
        sagas = new ProjectionConsumer(vertx, settings.topics().consumer("saga-projector"), List.of(settings.topics().sagaEvents()),
            settings.kafkaBootstrapServers(), sagaProjector::project, deadLetters);
        // The indices must exist before the first batch; if Elasticsearch is down, the consumers' retries cover it.
        return Future.all(indices.ensure(ReadModelIndices.Kind.ORDERS), indices.ensure(ReadModelIndices.Kind.SAGAS))
            .recover(e -> Future.succeededFuture())
            .compose(v -> Future.all(orders.start(), sagas.start()));
    }

    @Override
    public Future<?> stop() {
        return Future.all(orders.stop(), sagas.stop()).eventually(() -> {
            try {
                elasticsearch.close();
            } catch (Exception e) {
                return Future.failedFuture(e);
            }
            return pool.close();
        });
    }
}
