package io.sagaway.bench;

import io.vertx.core.Future;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the benchmarks: blocking on futures from main, argument parsing, printing. */
final class Bench {

    private Bench() {
    }

    static <T> T await(Future<T> future, Duration timeout) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("benchmark step failed: " + e.getMessage(), e);
        }
    }

    static int intArg(List<String> args, String name, int fallback) {
        int at = args.indexOf(name);
        return at >= 0 && at + 1 < args.size() ? Integer.parseInt(args.get(at + 1)) : fallback;
    }

    static String rate(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    /** The benchmark's output: figures on standard output, one per line. */
    @SuppressWarnings("java:S106")
    static void print(String line) {
        System.out.println(line);
    }
}
