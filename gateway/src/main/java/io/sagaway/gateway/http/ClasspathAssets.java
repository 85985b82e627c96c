package io.sagaway.gateway.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serves a web app built into the jar, from the classpath only. A relative web root of Vert.x's
 * StaticHandler is looked up in the working folder first, so started from the repository root it
 * served the app's sources instead of its build. The entry page is revalidated on every load (so
 * a new build is picked up at once); the content-hashed files under {@code assets/} are cached
 * for good.
 */
final class ClasspathAssets implements Handler<RoutingContext> {

    private static final String ENTRY_PAGE = "index.html";
    private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8", "js", "text/javascript; charset=utf-8",
        "css", "text/css; charset=utf-8", "svg", "image/svg+xml", "png", "image/png", "ico", "image/x-icon", "json", "application/json",
        "woff2", "font/woff2", "map", "application/json");

    /** A file of the app, read once. */
    private record Asset(Buffer content, String type, String etag) {
    }

    private final Vertx vertx;
    private final String resourceRoot;
    private final String mountPath;
    private final Map<String, Optional<Asset>> cache = new ConcurrentHashMap<>();

    /**
     * @param resourceRoot the app's folder on the classpath, e.g. {@code admin-ui}
     * @param mountPath    where the router mounts it, e.g. {@code /admin/}
     */
    ClasspathAssets(Vertx vertx, String resourceRoot, String mountPath) {
        this.vertx = vertx;
        this.resourceRoot = resourceRoot;
        this.mountPath = mountPath;
    }

    @Override
    public void handle(RoutingContext rc) {
        String path = rc.normalizedPath();
        String relative = path.length() <= mountPath.length() ? "" : path.substring(mountPath.length());
        String file = relative.isEmpty() ? ENTRY_PAGE : relative;
        if (file.contains("..") || file.startsWith("/") || file.contains("\\")) {
            rc.response().setStatusCode(404).end();
            return;
        }
        load(file).onComplete(found -> {
            if (found.failed() || found.result().isEmpty()) {
                rc.response().setStatusCode(404).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
                    .end(file.equals(ENTRY_PAGE) ? "this build carries no " + resourceRoot + " (build the admin-ui module)" : "not found");
                return;
            }
            Asset asset = found.result().get();
            var response = rc.response().putHeader(HttpHeaders.CONTENT_TYPE, asset.type()).putHeader(HttpHeaders.ETAG, asset.etag())
                .putHeader(HttpHeaders.CACHE_CONTROL, file.startsWith("assets/") ? "public, max-age=31536000, immutable" : "no-cache");
            if (asset.etag().equals(rc.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
                response.setStatusCode(304).end();
            } else {
                response.end(asset.content());
            }
        });
    }

    private Future<Optional<Asset>> load(String file) {
        Optional<Asset> cached = cache.get(file);
        if (cached != null) {
            return Future.succeededFuture(cached);
        }
        // Only what exists is kept: a made-up path must not grow the cache.
        return vertx.executeBlocking(() -> read(file)).onSuccess(asset -> asset.ifPresent(a -> cache.put(file, asset)));
    }

    private Optional<Asset> read(String file) throws IOException, NoSuchAlgorithmException {
        try (InputStream in = ClasspathAssets.class.getClassLoader().getResourceAsStream(resourceRoot + "/" + file)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            String extension = file.substring(file.lastIndexOf('.') + 1);
            String etag = "\"" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16) + "\"";
            return Optional.of(new Asset(Buffer.buffer(bytes), TYPES.getOrDefault(extension, "application/octet-stream"), etag));
        }
    }
}
