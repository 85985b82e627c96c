package io.sagaway.graphql;

import graphql.ExecutionInput;
import graphql.execution.preparsed.PreparsedDocumentEntry;
import graphql.execution.preparsed.PreparsedDocumentProvider;
import io.sagaway.infra.LruMap;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Keeps parsed and validated documents by query text, least recently used out first. Clients
 * send the same few operations with different variables, and parsing plus validating each one
 * again was the largest single cost of a placeOrder in the gateway (docs/benchmarks.md). Depth
 * and complexity limits still apply to every execution: they run when the operation executes.
 */
final class DocumentCache implements PreparsedDocumentProvider {

    private final Map<String, PreparsedDocumentEntry> entries;

    DocumentCache(int capacity) {
        this.entries = new LruMap<>(capacity);
    }

    @Override
    public CompletableFuture<PreparsedDocumentEntry> getDocumentAsync(ExecutionInput input,
                                                                      Function<ExecutionInput, PreparsedDocumentEntry> parseAndValidate) {
        String query = input.getQuery();
        PreparsedDocumentEntry cached;
        synchronized (entries) {
            cached = entries.get(query);
        }
        if (cached == null) {
            // Parsed outside the lock: two threads may parse the same text once each, which is harmless.
            cached = parseAndValidate.apply(input);
            synchronized (entries) {
                entries.put(query, cached);
            }
        }
        return CompletableFuture.completedFuture(cached);
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }
}
