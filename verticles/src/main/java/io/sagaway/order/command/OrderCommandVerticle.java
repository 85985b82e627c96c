package io.sagaway.order.command;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.eventstore.EventStore;
import io.sagaway.eventstore.MessageMetadata;
import io.sagaway.infra.InfraClients;
import io.sagaway.messaging.Addresses;
import io.sagaway.order.domain.OrderCommand;
import io.sagaway.order.store.OrderRepository;
import io.sagaway.tracing.Tracing;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.UUID;

/**
 * Serves {@link Addresses#ORDER_COMMANDS}: request/reply, answering {@link CommandResult} or
 * failing with a contract error code ({@link ErrorCode#number()}) and a JSON body
 * {@code {code, message, field}}.
 */
public final class OrderCommandVerticle extends VerticleBase {

    private static final Logger LOG = LoggerFactory.getLogger(OrderCommandVerticle.class);

    /** How the verticle reaches PostgreSQL and where the order's events go. */
    public record Settings(String postgresUri, String schema, int poolSize, String eventsTopic, int snapshotEvery) {
    }

    private final Settings settings;
    private Pool pool;
    private OrderCommandService service;
    private MessageConsumer<JsonObject> consumer;

    public OrderCommandVerticle(Settings settings) {
        this.settings = settings;
    }

    @Override
    public Future<?> start() {
        pool = InfraClients.postgres(vertx, settings.postgresUri(), settings.schema(), settings.poolSize());
        service = new OrderCommandService(new OrderRepository(pool, new EventStore(), settings.eventsTopic(), settings.snapshotEvery()));
        consumer = vertx.eventBus().consumer(Addresses.ORDER_COMMANDS, this::handle);
        return consumer.completion();
    }

    private void handle(Message<JsonObject> message) {
        Future<CommandResult> result;
        // The command's span continues the caller's trace; the events it appends carry it on to Kafka.
        Span span = Tracing.span("order command " + message.body().getString(OrderCommandMessages.COMMAND), SpanKind.SERVER,
            message.body().getString(Tracing.TRACEPARENT)).startSpan();
        try {
            OrderCommandMessages.Parsed parsed = OrderCommandMessages.parse(message.body(), UUID.randomUUID().toString());
            span.setAttribute(Tracing.ORDER_ID, parsed.orderId());
            MessageMetadata metadata = Tracing.enabled() ? parsed.metadata().tracedBy(Tracing.traceparent(span)) : parsed.metadata();
            result = parsed.command() instanceof OrderCommand.PlaceOrder place
                ? service.placeOrder(place, parsed.idempotencyKey(), metadata)
                : service.execute(parsed.orderId(), parsed.command(), metadata);
        } catch (CommandFailure e) {
            result = Future.failedFuture(e);
        }
        result.onComplete(done -> Tracing.end(span, done.cause()));
        result.onComplete(
            ok -> message.reply(ok.toJson()),
            failure -> {
                CommandFailure refusal = CommandErrors.toFailure(failure);
                if (refusal.code() == ErrorCode.INTERNAL || refusal.code() == ErrorCode.UNAVAILABLE) {
                    LOG.error("order command {} failed: {}", message.body().getString(OrderCommandMessages.COMMAND), failure.toString(), failure);
                }
                message.fail(refusal.code().number(), CommandErrors.toJson(refusal).encode());
            });
    }

    @Override
    public Future<?> stop() {
        return consumer.unregister().eventually(() -> pool.close());
    }
}
