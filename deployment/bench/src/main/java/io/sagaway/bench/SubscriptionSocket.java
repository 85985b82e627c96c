package io.sagaway.bench;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A client connection to {@code /graphql} speaking graphql-transport-ws (the protocol of the
 * graphql-ws npm library): {@code connection_init} with the bearer token, then any number of
 * subscriptions, each with handlers for its results and for its end.
 */
public final class SubscriptionSocket {

    private final WebSocketClient client;
    private final WebSocket socket;
    private final Promise<Void> acknowledged = Promise.promise();
    private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();

    /**
     * @param onNext the {@code payload} of every {@code next} message (its {@code data}, maybe {@code errors})
     * @param onEnd  why the subscription ended: an {@code error} or {@code complete} from the server, or the connection closing
     */
    private record Subscriber(Handler<JsonObject> onNext, Handler<String> onEnd) {
    }

    private SubscriptionSocket(WebSocketClient client, WebSocket socket) {
        this.client = client;
        this.socket = socket;
    }

    /** Connects and initialises with {@code token}; succeeds once the server acknowledged, within {@code timeout}. */
    public static Future<SubscriptionSocket> open(Vertx vertx, URI url, String token, Duration timeout) {
        WebSocketClient client = vertx.createWebSocketClient();
        boolean tls = "https".equals(url.getScheme());
        WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(url.getHost())
            .setPort(url.getPort() > 0 ? url.getPort() : tls ? 443 : 80).setSsl(tls).setURI("/graphql")
            .addSubProtocol("graphql-transport-ws").setConnectTimeout(timeout.toMillis());
        return client.connect(options)
            .compose(ws -> new SubscriptionSocket(client, ws).initialise(token, timeout))
            .onFailure(e -> client.close());
    }

    private Future<SubscriptionSocket> initialise(String token, Duration timeout) {
        socket.textMessageHandler(text -> onMessage(new JsonObject(text)));
        socket.closeHandler(v -> {
            acknowledged.tryFail("the server closed the connection before acknowledging it");
            subscribers.keySet().forEach(id -> ended(id, "the connection closed"));
        });
        socket.writeTextMessage(new JsonObject().put("type", "connection_init")
            .put("payload", new JsonObject().put("Authorization", "Bearer " + token)).encode());
        return acknowledged.future().timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).map(this);
    }

    /** Starts subscription {@code id} ({@code query} with {@code variables}). */
    public Future<Void> subscribe(String id, String query, JsonObject variables, Handler<JsonObject> onNext, Handler<String> onEnd) {
        subscribers.put(id, new Subscriber(onNext, onEnd));
        return socket.writeTextMessage(new JsonObject().put("id", id).put("type", "subscribe")
            .put("payload", new JsonObject().put("query", query).put("variables", variables)).encode());
    }

    /** Closes the connection; its subscriptions end without calling their {@code onEnd}, since nothing went wrong. */
    public Future<Void> close() {
        subscribers.clear();
        return socket.close().eventually(client::close);
    }

    private void onMessage(JsonObject message) {
        String id = message.getString("id");
        switch (message.getString("type", "")) {
            case "connection_ack" -> acknowledged.tryComplete();
            case "ping" -> socket.writeTextMessage(new JsonObject().put("type", "pong").encode());
            case "next" -> {
                Subscriber subscriber = id == null ? null : subscribers.get(id);
                if (subscriber != null) {
                    subscriber.onNext().handle(message.getJsonObject("payload", new JsonObject()));
                }
            }
            case "error" -> ended(id, "the server ended it with an error: " + message.getValue("payload"));
            case "complete" -> ended(id, "the server completed it");
            default -> {
                // pong and anything newer than this client: nothing to do
            }
        }
    }

    private void ended(String id, String why) {
        Subscriber subscriber = id == null ? null : subscribers.remove(id);
        if (subscriber != null) {
            subscriber.onEnd().handle(why);
        }
    }
}
