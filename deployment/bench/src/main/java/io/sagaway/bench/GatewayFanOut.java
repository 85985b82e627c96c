package io.sagaway.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A gateway's own fan-out figures, from its {@code sagaway_subscriptions_fanout_seconds} histogram
 * (per update, from its first subscriber's message to its last one's, handed to the sockets): the
 * difference of two scrapes of {@code /metrics} covers exactly a benchmark's window. Unlike what the
 * clients measure, this leaves out the clients' own CPU, which on one machine shares the cores.
 */
final class GatewayFanOut {

    private static final Pattern BUCKET = Pattern.compile("^sagaway_subscriptions_fanout_seconds_bucket\\{le=\"([^\"]+)\"} (\\S+)$");
    /** HTTP/1.1: the JDK client's default asks to upgrade to h2c, and one such scrape of a gateway never answered. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();

    /** Cumulative update counts by upper bound in seconds, as scraped. */
    record Histogram(Map<Double, Double> cumulative) {

        static Histogram parse(String metrics) {
            Map<Double, Double> cumulative = new TreeMap<>();
            metrics.lines().forEach(line -> {
                Matcher m = BUCKET.matcher(line);
                if (m.matches()) {
                    double bound = m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(1));
                    cumulative.put(bound, Double.parseDouble(m.group(2)));
                }
            });
            return new Histogram(cumulative);
        }

        /** The updates recorded since {@code before}. */
        Histogram since(Histogram before) {
            Map<Double, Double> delta = new TreeMap<>();
            cumulative.forEach((bound, count) -> delta.put(bound, count - before.cumulative.getOrDefault(bound, 0.0)));
            return new Histogram(delta);
        }

        long count() {
            return Math.round(cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0));
        }

        /** The upper bound, in milliseconds, of the bucket holding quantile {@code q}; NaN without updates. */
        double quantileMillis(double q) {
            double total = cumulative.getOrDefault(Double.POSITIVE_INFINITY, 0.0);
            if (total <= 0) {
                return Double.NaN;
            }
            for (var bucket : cumulative.entrySet()) {
                if (bucket.getValue() >= q * total - 1e-9) {
                    return bucket.getKey() * 1000;
                }
            }
            return Double.POSITIVE_INFINITY;
        }

        String describe() {
            return count() == 0 ? "no update measured (a gateway before this histogram?)"
                : String.format(Locale.ROOT, "%d updates, p50 / p90 / p99 / max at most %.1f / %.1f / %.1f / %.1f ms", count(),
                    quantileMillis(0.5), quantileMillis(0.9), quantileMillis(0.99), quantileMillis(1.0));
        }
    }

    private GatewayFanOut() {
    }

    /** The gateway's histogram now; empty if it cannot be read. */
    static Histogram scrape(URI gateway) {
        try {
            HttpResponse<String> response = HTTP.sendAsync(HttpRequest.newBuilder(gateway.resolve("/metrics")).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString()).get(20, TimeUnit.SECONDS);
            return Histogram.parse(response.statusCode() == 200 ? response.body() : "");
        } catch (ExecutionException | TimeoutException e) {
            System.err.println("metrics of " + gateway + " not read: " + e);
            return new Histogram(Map.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Histogram(Map.of());
        }
    }
}
