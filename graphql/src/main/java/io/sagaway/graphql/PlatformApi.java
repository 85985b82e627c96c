package io.sagaway.graphql;

import io.sagaway.graphql.subscriptions.SubscriptionHub;
import io.sagaway.lineage.LineageReader;
import io.sagaway.order.command.OrderCommandClient;
import io.sagaway.order.store.OrderRepository;
import io.sagaway.readmodel.ProjectionWaiter;
import io.sagaway.readmodel.ReadModelQueries;
import io.sagaway.saga.SagaStore;
import io.sagaway.saga.stuck.StuckSagaDetector;
import io.vertx.core.eventbus.EventBus;
import io.vertx.sqlclient.Pool;

import java.time.Duration;

/**
 * What the resolvers use: the read model for queries, the event store for STRONG reads and point
 * in time, the event bus for commands and operator actions.
 *
 * @param waitTimeout how long placeOrder may wait for PROJECTED or COMPLETED
 * @param lineage     reads an order's lineage
 * @param stuck       finds the sagas that are not moving, and why
 */
public record PlatformApi(ReadModelQueries readModel, ProjectionWaiter projections, OrderRepository orders, SagaStore sagas,
                          Pool pool, OrderCommandClient commands, EventBus bus, Duration waitTimeout,
                          SubscriptionHub updates, LineageReader lineage, StuckSagaDetector stuck) {
}
