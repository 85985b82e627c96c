package io.sagaway.stack;

import java.io.IOException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The local stack from the command line.
 * <pre>
 *   up [service...]             start (or reuse) the services, all by default
 *   down                        stop what this stack folder started
 *   status                      say what runs
 *   run -- CMD...               up, run CMD with SAGAWAY_*_URL set, then stop only what this call started
 * </pre>
 * Exit code 1 with a message on a start failure; {@code run} exits with CMD's code.
 */
public final class StackCli {

    private StackCli() {
    }

    public static void main(String[] args) {
        System.setProperty("java.util.logging.SimpleFormatter.format", "[local-stack] %5$s%6$s%n");
        if (args.length == 0) {
            usage();
        }
        try {
            LocalStack stack = new LocalStack(StackSettings.fromEnv(System.getenv()));
            int code = switch (args[0]) {
                case "up" -> up(stack, services(Arrays.asList(args).subList(1, args.length)));
                case "down" -> down(stack);
                case "status" -> status(stack);
                case "run" -> run(args);
                default -> usage();
            };
            System.exit(code);
        } catch (StackException | IllegalArgumentException e) {
            System.err.println("local stack: " + e.getMessage());
            System.exit(1);
        }
    }

    private static int up(LocalStack stack, Set<ServiceKind> wanted) {
        Set<ServiceKind> started = stack.up(wanted);
        System.out.println("started: " + started + "; endpoints: " + stack.endpoints());
        return 0;
    }

    private static int down(LocalStack stack) {
        System.out.println("stopped: " + stack.down());
        return 0;
    }

    private static int status(LocalStack stack) {
        stack.status().forEach((kind, state) ->
            System.out.printf("%-14s port %-6d %s%s%n", kind.displayName(), stack.settings().port(kind), state,
                stack.pid(kind).map(pid -> " (pid " + pid + ")").orElse("")));
        return 0;
    }

    /** Services named in the environment stay external; the rest come from the local stack. */
    private static int run(String[] args) {
        List<String> all = Arrays.asList(args);
        int separator = all.indexOf("--");
        if (separator != 1 || separator == all.size() - 1) {
            return usage();
        }
        StackResolver.Resolution resolution = StackResolver.resolve(System.getenv());
        Runtime.getRuntime().addShutdownHook(new Thread(resolution::stopStarted, "local-stack-stop"));
        StackEndpoints endpoints = resolution.endpoints();
        ProcessBuilder command = new ProcessBuilder(all.subList(separator + 1, all.size())).inheritIO();
        command.environment().put(StackResolver.POSTGRES_URL, endpoints.postgresUri());
        command.environment().put(StackResolver.REDIS_URL, endpoints.redisUri());
        command.environment().put(StackResolver.KAFKA_BOOTSTRAP_SERVERS, endpoints.kafkaBootstrap());
        command.environment().put(StackResolver.ELASTICSEARCH_URL, endpoints.elasticsearchUrl());
        try {
            return command.start().waitFor();
        } catch (IOException e) {
            throw new StackException("cannot run " + command.command() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private static Set<ServiceKind> services(List<String> names) {
        if (names.isEmpty()) {
            return EnumSet.allOf(ServiceKind.class);
        }
        Set<ServiceKind> kinds = EnumSet.noneOf(ServiceKind.class);
        names.forEach(n -> kinds.add(ServiceKind.parse(n)));
        return kinds;
    }

    private static int usage() {
        System.err.println("usage: StackCli up [service...] | down | status | run -- COMMAND...");
        System.err.println("services: postgresql redis kafka elasticsearch");
        System.exit(2);
        return 2;
    }
}
