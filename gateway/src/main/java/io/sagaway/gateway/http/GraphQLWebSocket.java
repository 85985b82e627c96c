package io.sagaway.gateway.http;

import graphql.ExecutionResult;
import io.sagaway.api.CommandFailure;
import io.sagaway.gateway.auth.AuthService;
import io.sagaway.graphql.Caller;
import io.sagaway.graphql.SagawayGraphQL;
import io.sagaway.graphql.subscriptions.BoundedPublisher;
import io.sagaway.graphql.subscriptions.SubscriptionPayloads;
import io.sagaway.graphql.subscriptions.SubscriptionRequest;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

/**
 * GraphQL over WebSocket on {@code /graphql}, in the graphql-transport-ws protocol (the one the
 * {@code graphql-ws} npm library speaks): {@code connection_init} with the bearer token, then
 * {@code subscribe}, {@code next}, {@code error} and {@code complete} per operation, ping and pong
 * either way.
 *
 * <p>A subscription's updates do not go through a GraphQL execution per subscriber. The
 * connection reads the subscription's source stream itself, and each update's payload is executed
 * and serialised once for every subscriber that sent the same subscription ({@link
 * SubscriptionPayloads}); each subscriber's message is only that payload framed with its id. At
 * ten thousand subscribers of one feed this is what keeps an update's fan-out within a fraction
 * of a second (docs/benchmarks.md, "Subscribers at scale").
 */
final class GraphQLWebSocket implements Handler<RoutingContext> {

    private static final Logger LOG = LoggerFactory.getLogger(GraphQLWebSocket.class);

    /** How long a connection may stay open without {@code connection_init}. */
    static final long INIT_TIMEOUT_MS = 3_000;
    /** Bounds what a slow reader can pile up in the server: its streams hold back, then drop it. */
    private static final int WRITE_QUEUE_BYTES = 256 * 1024;

    // Close codes of the protocol.
    private static final short BAD_REQUEST = 4400;
    private static final short UNAUTHORIZED = 4401;
    private static final short FORBIDDEN = 4403;
    private static final short INIT_TIMEOUT = 4408;
    private static final short SUBSCRIBER_EXISTS = 4409;
    private static final short TOO_MANY_INITS = 4429;

    private final Vertx vertx;
    private final SagawayGraphQL graphQL;
    private final AuthService auth;
    private final SubscriptionPayloads payloads;

    GraphQLWebSocket(Vertx vertx, SagawayGraphQL graphQL, AuthService auth) {
        this.vertx = vertx;
        this.graphQL = graphQL;
        this.auth = auth;
        this.payloads = new SubscriptionPayloads(graphQL::renderUpdate);
    }

    @Override
    public void handle(RoutingContext rc) {
        var headers = rc.request().headers();
        if (!headers.contains(HttpHeaders.CONNECTION) || !headers.contains(HttpHeaders.UPGRADE, HttpHeaders.WEBSOCKET, true)) {
            rc.next();
            return;
        }
        rc.request().toWebSocket().onSuccess(socket -> new Connection(socket, vertx.getOrCreateContext()).open()).onFailure(rc::fail);
    }

    private enum State { AWAITING_INIT, INITIALISING, READY }

    /** One client's connection: its caller once initialised, and its operations by id. */
    private final class Connection {
        private final ServerWebSocket socket;
        private final Context context;
        /** Every subscription stream opened on this connection, so that they all end with it. */
        private final Set<BoundedPublisher<?>> streams = ConcurrentHashMap.newKeySet();
        /** Operations by client id; an entry without a subscription is still being executed. */
        private final Map<String, Operation> operations = new ConcurrentHashMap<>();
        private volatile State state = State.AWAITING_INIT;
        private volatile Caller caller;
        private long initTimer;

        Connection(ServerWebSocket socket, Context context) {
            this.socket = socket;
            this.context = context;
        }

        void open() {
            socket.setWriteQueueMaxSize(WRITE_QUEUE_BYTES);
            socket.drainHandler(v -> streams.forEach(BoundedPublisher::resume));
            socket.textMessageHandler(this::receive);
            socket.binaryMessageHandler(buffer -> receive(buffer.toString()));
            socket.closeHandler(v -> end());
            initTimer = vertx.setTimer(INIT_TIMEOUT_MS, id -> {
                if (state == State.AWAITING_INIT) {
                    socket.close(INIT_TIMEOUT, "Connection initialisation timeout");
                }
            });
        }

        private void receive(String text) {
            JsonObject message;
            try {
                message = new JsonObject(text);
            } catch (DecodeException | ClassCastException e) {
                socket.close(BAD_REQUEST, "Invalid message received: not a JSON object");
                return;
            }
            Object type = message.getValue("type");
            Object id = message.getValue("id");
            switch (type instanceof String t ? t : "") {
                case "connection_init" -> init(message.getValue("payload"));
                case "ping" -> send(message.getValue("payload") instanceof JsonObject p
                    ? new JsonObject().put("type", "pong").put("payload", p).encode() : "{\"type\":\"pong\"}");
                case "pong" -> {
                }
                case "subscribe" -> subscribe(id instanceof String s ? s : null, message.getValue("payload"));
                case "complete" -> {
                    Operation operation = id instanceof String s ? operations.remove(s) : null;
                    if (operation != null) {
                        operation.cancel();
                    }
                }
                default -> socket.close(BAD_REQUEST, "Invalid message received: unknown type " + type);
            }
        }

        private void init(Object params) {
            if (state != State.AWAITING_INIT) {
                socket.close(TOO_MANY_INITS, "Too many initialisation requests");
                return;
            }
            state = State.INITIALISING;
            vertx.cancelTimer(initTimer);
            String header = params instanceof JsonObject p ? p.getString("Authorization", p.getString("authorization")) : null;
            auth.authenticate(header).onComplete(authenticated -> {
                caller = authenticated;
                state = State.READY;
                send("{\"type\":\"connection_ack\"}");
            }, failure -> socket.close(FORBIDDEN, "Forbidden: " + (failure instanceof CommandFailure f ? f.getMessage() : "unauthenticated")));
        }

        private void subscribe(String id, Object payload) {
            if (state != State.READY) {
                socket.close(UNAUTHORIZED, "Unauthorized");
                return;
            }
            if (id == null) {
                socket.close(BAD_REQUEST, "Invalid message received: subscribe needs an id");
                return;
            }
            Operation operation = new Operation(id);
            if (operations.putIfAbsent(id, operation) != null) {
                socket.close(SUBSCRIBER_EXISTS, "Subscriber for " + id + " already exists");
                return;
            }
            SubscriptionRequest request;
            try {
                request = SubscriptionRequest.fromPayload(payload instanceof JsonObject p ? p : null);
            } catch (IllegalArgumentException e) {
                operations.remove(id, operation);
                send(operation.error(e.getMessage()));
                return;
            }
            AtomicReference<BoundedPublisher<?>> source = new AtomicReference<>();
            var input = request.input()
                .graphQLContext(Map.of(SagawayGraphQL.callerKey(), caller,
                    SagawayGraphQL.connectionStreamsKey(), streams,
                    SagawayGraphQL.connectionCongestedKey(), (BooleanSupplier) socket::writeQueueFull,
                    SagawayGraphQL.subscriptionSourceKey(), source))
                .dataLoaderRegistry(graphQL.dataLoaders())
                .build();
            graphQL.graphQL().executeAsync(input).whenComplete((result, failure) -> context.runOnContext(v -> {
                if (failure != null) {
                    operations.remove(id, operation);
                    send(operation.error("the operation failed: " + failure.getMessage()));
                } else if (result.getData() instanceof Publisher<?> events) {
                    BoundedPublisher<?> stream = source.get();
                    if (stream != null) {
                        operation.follow(stream, update -> payloads.payload(request, update));
                    } else {
                        operation.follow(events, event -> CompletableFuture.completedFuture(Json.encode(((ExecutionResult) event).toSpecification())));
                    }
                } else {
                    // A query, a mutation, or a subscription refused (its errors are in the result): one result, then the end.
                    operations.remove(id, operation);
                    send(operation.next(Json.encode(result.toSpecification())));
                    send(operation.complete());
                }
            }));
        }

        private void send(String message) {
            socket.writeTextMessage(message);
        }

        private void end() {
            vertx.cancelTimer(initTimer);
            operations.values().forEach(Operation::cancel);
            operations.clear();
            streams.forEach(BoundedPublisher::close);
        }

        /** One operation of this connection, by the client's id; once a subscription, what it reads. */
        private final class Operation implements Subscriber<Object> {
            private final String id;
            /** The start of each message of this operation, its id quoted once. */
            private final String head;
            private Function<Object, CompletableFuture<String>> render;
            /** The subscription's stream, once it has one. */
            private volatile Publisher<?> stream;
            private volatile Subscription subscription;
            private volatile boolean cancelled;
            /** The last message in flight: each waits for the one before, so updates go out in order. */
            private CompletableFuture<Void> sent = CompletableFuture.completedFuture(null);

            Operation(String id) {
                this.id = id;
                this.head = "{\"id\":" + Json.encode(id) + ",\"type\":";
            }

            void follow(Publisher<?> stream, Function<Object, CompletableFuture<String>> render) {
                this.render = render;
                this.stream = stream;
                if (cancelled || operations.get(id) != this) {
                    // Completed by the client (or the connection closed) while it was being executed.
                    if (stream instanceof BoundedPublisher<?> bounded) {
                        bounded.close();
                    }
                    return;
                }
                stream.subscribe(this);
            }

            @Override
            public void onSubscribe(Subscription s) {
                subscription = s;
                if (cancelled) {
                    s.cancel();
                } else {
                    s.request(Long.MAX_VALUE); // the stream itself holds updates back while the socket is congested
                }
            }

            @Override
            public void onNext(Object update) {
                CompletableFuture<String> payload = render.apply(update);
                sent = sent.thenCompose(v -> payload).thenAccept(p -> {
                    if (!cancelled) {
                        send(next(p));
                    }
                }).exceptionally(failure -> {
                    // As graphql-java ends a subscription whose event fails to execute: the client is told, and may subscribe again.
                    Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                    LOG.warn("subscription {}: an update could not be rendered, the subscription ends: {}", id, cause.toString());
                    if (!cancelled && finish()) {
                        cancel();
                        send(error(cause));
                    }
                    return null;
                });
            }

            @Override
            public void onError(Throwable failure) {
                finish();
                sent = sent.thenRun(() -> send(error(failure)));
            }

            @Override
            public void onComplete() {
                finish();
                sent = sent.thenRun(() -> send(complete()));
            }

            /** Forgets this operation and its stream (a connection open for hours keeps neither); true if it was current. */
            boolean finish() {
                forgetStream();
                return operations.remove(id, this);
            }

            void cancel() {
                cancelled = true;
                forgetStream();
                Subscription s = subscription;
                if (s != null) {
                    s.cancel();
                }
            }

            private void forgetStream() {
                Publisher<?> own = stream;
                if (own != null) {
                    streams.remove(own);
                }
            }

            String next(String payload) {
                return head + "\"next\",\"payload\":" + payload + "}";
            }

            String complete() {
                return head + "\"complete\"}";
            }

            String error(String message) {
                return error(new JsonObject().put("message", message));
            }

            /** A stream's failure (e.g. a subscriber dropped for falling too far behind), with its code where it has one. */
            String error(Throwable failure) {
                JsonObject error = new JsonObject().put("message", String.valueOf(failure.getMessage()));
                if (failure instanceof CommandFailure f) {
                    error.put("extensions", new JsonObject().put("code", f.code().name()));
                }
                return error(error);
            }

            private String error(JsonObject error) {
                return head + "\"error\",\"payload\":" + new JsonArray().add(error).encode() + "}";
            }
        }
    }
}
