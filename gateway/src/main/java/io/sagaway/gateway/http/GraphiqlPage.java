package io.sagaway.gateway.http;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The GraphiQL entry page: a sign-in form (the built-in issuer's username and password, or a
 * pasted token) in front of the GraphiQL app that vertx-web-graphql bundles, which then sends the
 * token with every request, over HTTP and in the WebSocket's connection_init. The bundled app's
 * own files are served as they are; only its entry page is ours.
 */
final class GraphiqlPage {

    private static final String BUNDLED_ENTRY = "io/vertx/ext/web/handler/graphiql/index.html";
    private static final String OWN_ENTRY = "graphiql/index.html";
    private static final Pattern SCRIPT = Pattern.compile("src=\"(\\./static/js/main\\.[^\"]+\\.js)\"");
    private static final Pattern STYLE = Pattern.compile("href=\"(\\./static/css/main\\.[^\"]+\\.css)\"");
    private static final String FIRST_QUERY = """
        # Sagaway's GraphQL API. The Docs button (top left) lists every query, mutation and subscription.
        # Ctrl-Enter runs the operation under the cursor.
        query RecentOrders {
          orders(first: 5) {
            totalCount
            edges { node { id status totalAmount createdAt saga { status } } }
          }
        }
        """;

    private GraphiqlPage() {
    }

    /** The page's HTML; reads the classpath, so call it off the event loop. */
    static String render(boolean builtInIssuer) throws IOException {
        String bundled = resource(BUNDLED_ENTRY);
        JsonObject config = new JsonObject().put("httpEnabled", true).put("graphQLUri", "/graphql").put("graphQLWSEnabled", true)
            .put("graphQLWSUri", "/graphql").put("parameters", new JsonObject().put("query", FIRST_QUERY));
        return resource(OWN_ENTRY)
            .replace("__CONFIG__", config.encode())
            .replace("__SCRIPT__", find(SCRIPT, bundled))
            .replace("__STYLE__", find(STYLE, bundled))
            .replace("__ISSUER__", Boolean.toString(builtInIssuer));
    }

    private static String find(Pattern pattern, String bundled) {
        Matcher matcher = pattern.matcher(bundled);
        if (!matcher.find()) {
            throw new IllegalStateException("the GraphiQL app bundled in vertx-web-graphql no longer names its files as expected ("
                + pattern + " in " + BUNDLED_ENTRY + ")");
        }
        return matcher.group(1);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = GraphiqlPage.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException(name + " is not on the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
