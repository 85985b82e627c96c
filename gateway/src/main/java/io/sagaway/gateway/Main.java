package io.sagaway.gateway;

import io.sagaway.gateway.config.ConfigException;
import io.sagaway.gateway.config.PlatformConfig;
import io.sagaway.stack.StackException;
import io.sagaway.stack.StackResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * Starts the platform: reads the configuration, brings up the local stack for every service
 * not configured externally (the embedded default), deploys the verticles of the chosen roles,
 * and on shutdown (Ctrl-C, SIGTERM) undeploys them and stops what the local stack started.
 */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        PlatformConfig config;
        try {
            config = PlatformConfig.load(System.getenv(), Arrays.asList(args));
        } catch (ConfigException e) {
            LOG.error("Configuration error: {}", e.getMessage());
            System.exit(2);
            return;
        }
        StackResolver.Resolution services;
        try {
            if (config.needsLocalStack()) {
                LOG.info("Services not configured externally come from the local stack (the embedded default)");
            }
            services = StackResolver.resolve(System.getenv());
        } catch (StackException e) {
            LOG.error("The local stack could not start: {}", e.getMessage());
            System.exit(3);
            return;
        }
        if (!services.reusedAndLeftRunning().isEmpty()) {
            LOG.warn("Reused, and left running when this platform stops: {}. Stop what the local stack started with "
                + "deployment/scripts/stack.sh down", String.join("; ", services.reusedAndLeftRunning()));
        }
        Platform platform = new Platform(config, Platform.endpoints(services.endpoints()));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutDown(platform::stop, services::stopStarted), "platform-shutdown"));
        try {
            platform.start();
        } catch (RuntimeException e) {
            LOG.error("The platform could not start: {}", e.getMessage(), e);
            System.exit(4);
        }
    }

    /**
     * Stops the platform, then the services this process started, even when the platform's stop
     * fails or times out (a stop that threw once left Kafka, Elasticsearch, PostgreSQL and Redis
     * running with no one to stop them).
     */
    static void shutDown(Runnable stopPlatform, Runnable stopStartedServices) {
        LOG.info("Shutting down");
        try {
            stopPlatform.run();
        } catch (RuntimeException e) {
            LOG.warn("The platform did not stop cleanly ({}); stopping the services it started anyway", e.getMessage());
        } finally {
            stopStartedServices.run();
        }
    }
}
