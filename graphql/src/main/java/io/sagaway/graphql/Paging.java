package io.sagaway.graphql;

import io.sagaway.api.CommandFailure;
import io.sagaway.api.ErrorCode;
import io.sagaway.readmodel.ReadModelQueries;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Relay-style connections: pages of the read model by its cursors, and offset cursors for lists paged by position. */
final class Paging {

    private static final String OFFSET = "offset:";

    private Paging() {
    }

    /** A connection of a read-model page, each document in its GraphQL shape. */
    static Map<String, Object> connection(ReadModelQueries.Page page, Function<JsonObject, Map<String, Object>> view) {
        List<Map<String, Object>> nodes = page.items().stream().map(view).toList();
        return connection(nodes, page.cursors(), page.hasNextPage(), page.totalCount());
    }

    static Map<String, Object> connection(List<Map<String, Object>> nodes, List<String> cursors, boolean hasNextPage, long totalCount) {
        List<Map<String, Object>> edges = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            edges.add(Map.of("node", nodes.get(i), "cursor", cursors.get(i)));
        }
        Map<String, Object> pageInfo = new HashMap<>();
        pageInfo.put("hasNextPage", hasNextPage);
        pageInfo.put("endCursor", cursors.isEmpty() ? null : cursors.get(cursors.size() - 1));
        return Map.of("edges", edges, "pageInfo", pageInfo, "totalCount", (int) totalCount);
    }

    /** The cursors of {@code count} items that start at {@code skip}. */
    static List<String> offsetCursors(int skip, int count) {
        List<String> cursors = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            cursors.add(offsetCursor(skip + i));
        }
        return cursors;
    }

    static String offsetCursor(int offset) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((OFFSET + offset).getBytes(StandardCharsets.UTF_8));
    }

    /** The position an offset cursor points after; 0 for none. */
    static int offsetOf(String cursor) {
        if (cursor == null) {
            return 0;
        }
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (!text.startsWith(OFFSET)) {
                throw new IllegalArgumentException();
            }
            return Math.max(0, Integer.parseInt(text.substring(OFFSET.length())));
        } catch (IllegalArgumentException e) {
            throw new CommandFailure(ErrorCode.BAD_USER_INPUT, "after is not a cursor of this list", "after");
        }
    }
}
