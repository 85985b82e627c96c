package io.sagaway.graphql;

import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.parser.Parser;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class DocumentCacheTest {

    private final AtomicInteger parses = new AtomicInteger();
    private final Function<ExecutionInput, PreparsedDocumentEntry> parse = input -> {
        parses.incrementAndGet();
        return new PreparsedDocumentEntry(Parser.parse(input.getQuery()));
    };

    private PreparsedDocumentEntry get(DocumentCache cache, String query) throws Exception {
        return cache.getDocumentAsync(ExecutionInput.newExecutionInput(query).build(), parse).get();
    }

    @Test
    void parsesEachQueryTextOnceWhateverItsVariables() throws Exception {
        DocumentCache cache = new DocumentCache(10);
        PreparsedDocumentEntry first = get(cache, "query Q($id: ID!) { order(id: $id) { id } }");
        PreparsedDocumentEntry again = cache.getDocumentAsync(ExecutionInput.newExecutionInput("query Q($id: ID!) { order(id: $id) { id } }")
            .variables(Map.of("id", "other")).build(), parse).get();
        assertThat(again).isSameAs(first);
        assertThat(parses.get()).isEqualTo(1);
    }

    @Test
    void keepsOnlyTheMostRecentlyUsedTexts() throws Exception {
        DocumentCache cache = new DocumentCache(2);
        get(cache, "{ a }");
        get(cache, "{ b }");
        get(cache, "{ a }");
        get(cache, "{ c }");
        assertThat(cache.size()).isEqualTo(2);
        get(cache, "{ a }");
        assertThat(parses.get()).as("a stayed, b was evicted").isEqualTo(3);
        get(cache, "{ b }");
        assertThat(parses.get()).isEqualTo(4);
    }
}
