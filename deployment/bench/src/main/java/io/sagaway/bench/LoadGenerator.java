package io.sagaway.bench;

import io.sagaway.stack.StackEndpoints;
import io.sagaway.stack.StackResolver;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The end-to-end load generator: drives a running platform only through its public API
 * (placeOrder over HTTP, orderStatusChanged over graphql-transport-ws), in an open loop at a fixed
 * arrival rate or a closed loop of clients, with a configurable mix of orders meant to fail, and
 * reports latencies, saga throughput, projection lag, errors and outcomes beside the raw limits
 * of the services it runs on, measured in the same run. See {@link Options#USAGE}.
 */
public final class LoadGenerator {

    private static final Logger LOG = LoggerFactory.getLogger(LoadGenerator.class);

    private final Supplier<StackEndpoints> services;

    /** @param services where the raw limits are measured; asked only when the run measures them */
    LoadGenerator(Supplier<StackEndpoints> services) {
        this.services = services;
    }

    /** Prints the figures on standard output and the progress on standard error. */
    public static void main(String[] args) {
        List<String> arguments = Arrays.asList(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            Bench.print(Options.USAGE);
            return;
        }
        Options options;
        try {
            options = Options.parse(arguments);
        } catch (IllegalArgumentException e) {
            LOG.error("{}\n{}", e.getMessage(), Options.USAGE);
            System.exit(2);
            return;
        }
        // The services of the raw limits, as the other benchmarks find them: SAGAWAY_*_URL, else the local stack.
        List<StackResolver.Resolution> resolved = new ArrayList<>(1);
        try {
            Report report = new LoadGenerator(() -> {
                StackResolver.Resolution resolution = StackResolver.resolve(System.getenv());
                resolved.add(resolution);
                return resolution.endpoints();
            }).run(options);
            report.lines().forEach(Bench::print);
        } finally {
            resolved.forEach(StackResolver.Resolution::stopStarted);
        }
    }

    /** One run; blocks the calling thread (main or a test, never an event loop) until its figures are in. */
    Report run(Options options) {
        Vertx vertx = Vertx.vertx();
        try {
            Optional<RawLimits.Figures> rawLimits = options.measuresRawLimits()
                ? Optional.of(RawLimits.measure(vertx, services.get(), options.rawPhase())) : Optional.empty();
            GraphQLClient api = GraphQLClient.create(vertx, options.url(), options.httpConnections());
            try {
                return new LoadRun(vertx, api, options).execute(rawLimits);
            } finally {
                api.close();
            }
        } finally {
            Bench.await(vertx.close(), Duration.ofSeconds(30));
        }
    }
}
