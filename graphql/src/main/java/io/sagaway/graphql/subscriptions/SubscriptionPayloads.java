package io.sagaway.graphql.subscriptions;

import io.sagaway.infra.LruMap;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The payload of a subscription's {@code next} message for an update, executed and serialised
 * once per update and distinct subscription ({@link SubscriptionRequest#shape()}), and shared by
 * every subscriber that sent the same one. Thousands of clients following the same feed then cost
 * one GraphQL execution and one JSON serialisation per update, not one each; only the framing with
 * each subscriber's id is theirs.
 *
 * <p>Updates are told apart by identity: the feed hands every subscriber the same instance of an
 * update, and an equal update built again renders the same anyway. The most recent updates are
 * remembered; one forgotten is rendered again, which costs time, never correctness.
 */
public final class SubscriptionPayloads {

    /** Executes a subscription's selection over one update and serialises the result. */
    @FunctionalInterface
    public interface Renderer {
        CompletableFuture<String> render(SubscriptionRequest request, Object update);
    }

    static final int RECENT_UPDATES = 256;

    private final Renderer renderer;
    private final Map<Identity, Map<String, CompletableFuture<String>>> recent = new LruMap<>(RECENT_UPDATES);

    public SubscriptionPayloads(Renderer renderer) {
        this.renderer = renderer;
    }

    public CompletableFuture<String> payload(SubscriptionRequest request, Object update) {
        Identity key = new Identity(update);
        String shape = request.shape();
        synchronized (recent) {
            Map<String, CompletableFuture<String>> byShape = recent.get(key);
            CompletableFuture<String> known = byShape == null ? null : byShape.get(shape);
            if (known != null) {
                return known;
            }
        }
        CompletableFuture<String> rendered = renderer.render(request, update);
        synchronized (recent) {
            CompletableFuture<String> first = recent.computeIfAbsent(key, k -> new HashMap<>()).putIfAbsent(shape, rendered);
            if (first != null) {
                return first; // rendered at the same time on another thread: both are the same, keep one
            }
        }
        // A rendering that failed is not kept: the next subscriber tries again.
        rendered.whenComplete((payload, failure) -> {
            if (failure != null) {
                synchronized (recent) {
                    Map<String, CompletableFuture<String>> byShape = recent.get(key);
                    if (byShape != null) {
                        byShape.remove(shape, rendered);
                    }
                }
            }
        });
        return rendered;
    }

    /** An update as a key by identity, not by (possibly deep) equality. */
    private record Identity(Object update) {
        @Override
        public boolean equals(Object other) {
            return other instanceof Identity that && that.update == update;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(update);
        }
    }
}
