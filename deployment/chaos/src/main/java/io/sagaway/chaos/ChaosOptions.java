package io.sagaway.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a chaos run does, from its command line ({@link #parse}); {@link #USAGE} lists the options.
 *
 * @param duration       how long the load runs at least; faults are injected during it
 * @param maxDuration    how long the load may run on past {@code duration} while faults of the list have not all been
 *                       injected once (a slow machine recovers slowly, and the schedule is the point of the run)
 * @param rate           orders per second, placed whatever the platform's pace (open loop)
 * @param faultEvery     the quiet time between one fault's end and the next fault
 * @param firstFaultAfter the quiet time before the first fault
 * @param faults         which kinds of fault to inject, taken in turn (shuffled by the seed)
 * @param pause          how long a paused process stays stopped; longer than the session timeout, so Kafka and the
 *                       cluster give it up
 * @param sessionTimeout the platform processes' Kafka session timeout
 * @param settleTimeout  after the load, how long every order may take to reach its terminal state everywhere
 * @param customers      customers the orders spread over (each funded by the run)
 * @param skus           stocked SKUs the orders spread over
 * @param shipFailPercent orders sent to an unserved country (fail ADDRESS_REJECTED)
 * @param outOfStockPercent orders of a SKU without stock (fail OUT_OF_STOCK)
 * @param layout         the platform processes, one comma-separated role list each
 * @param jar            the platform jar
 * @param workDir        where the processes' logs go
 * @param seed           drives the fault order and the victims, so a run can be repeated
 */
record ChaosOptions(Duration duration, Duration maxDuration, double rate, Duration faultEvery, Duration firstFaultAfter, List<Fault.Kind> faults,
                    Duration pause, Duration sessionTimeout, Duration settleTimeout, int customers, int skus, double shipFailPercent,
                    double outOfStockPercent, List<String> layout, Path jar, Path workDir, long seed) {

    static final List<String> DEFAULT_LAYOUT = List.of("gateway", "gateway", "order-commands,outbox-relay,order-saga",
        "payment,inventory,shipping", "projector");

    static final List<String> ROLES = List.of("gateway", "order-commands", "outbox-relay", "order-saga", "payment", "inventory", "shipping",
        "projector");

    static final String USAGE = """
        deployment/chaos/chaos.sh [options]
          --duration S          seconds of load, faults injected during it (default 180)
          --max-duration S      the load goes on past --duration, up to S seconds in all, until every fault of the
                                list has been injected once (default: --duration, i.e. never past it)
          --rate N              orders per second, open loop (default 15)
          --fault-every S       quiet seconds between a fault's end and the next fault (default 15)
          --first-fault-after S quiet seconds before the first fault (default 15)
          --faults LIST         kinds of fault, taken in turn in an order the seed shuffles; default all of
                                kill,pause,kafka,postgresql,elasticsearch,redis
          --pause S             how long a paused process stays stopped (default: the session timeout + 5 s)
          --session-timeout S   the platform's Kafka session timeout (default 10)
          --settle-timeout S    how long orders may take, after the load, to finish everywhere (default 240)
          --customers N         customers the orders spread over, funded by the run (default 20)
          --skus N              stocked SKUs the orders spread over (default 8)
          --ship-fail PCT       percent of orders to an unserved country: fail ADDRESS_REJECTED (default 10)
          --out-of-stock PCT    percent of orders of a SKU without stock: fail OUT_OF_STOCK (default 5)
          --layout L;L;...      the platform processes, each a comma-separated role list (default
                                gateway;gateway;order-commands,outbox-relay,order-saga;payment,inventory,shipping;projector)
          --jar PATH            the platform jar (default gateway/target/sagaway.jar)
          --dir PATH            where the processes' logs go (default .local-chaos)
          --seed N              the fault order and victims (default: the clock)
        """;

    private static final Set<String> VALUED = Set.of("--duration", "--max-duration", "--rate", "--fault-every", "--first-fault-after", "--faults", "--pause",
        "--session-timeout", "--settle-timeout", "--customers", "--skus", "--ship-fail", "--out-of-stock", "--layout", "--jar", "--dir",
        "--seed");

    ChaosOptions {
        if (duration.isNegative() || duration.isZero() || rate <= 0 || customers < 1 || skus < 1) {
            throw new IllegalArgumentException("--duration, --rate, --customers and --skus must be above 0");
        }
        if (maxDuration.compareTo(duration) < 0) {
            throw new IllegalArgumentException("--max-duration must be at least --duration");
        }
        if (shipFailPercent < 0 || outOfStockPercent < 0 || shipFailPercent + outOfStockPercent > 100) {
            throw new IllegalArgumentException("--ship-fail and --out-of-stock must be 0 or more and add up to 100 at most");
        }
        if (sessionTimeout.toMillis() < 6000) {
            throw new IllegalArgumentException("--session-timeout must be at least 6 s (Kafka's group.min.session.timeout.ms)");
        }
        Set<String> covered = new java.util.HashSet<>();
        layout.forEach(roles -> covered.addAll(Arrays.asList(roles.split(","))));
        if (!covered.contains("all") && !covered.containsAll(ROLES)) {
            throw new IllegalArgumentException("--layout must run every role somewhere (" + String.join(",", ROLES) + "); missing: "
                + ROLES.stream().filter(r -> !covered.contains(r)).toList());
        }
        faults = List.copyOf(faults);
        layout = List.copyOf(layout);
    }

    static ChaosOptions parse(List<String> args) {
        Duration session = Duration.ofSeconds(seconds(args, "--session-timeout", 10));
        List<Fault.Kind> faults = new ArrayList<>();
        for (String name : value(args, "--faults", "kill,pause,kafka,postgresql,elasticsearch,redis").split(",")) {
            if (!name.isBlank()) {
                faults.add(Fault.Kind.parse(name.trim()));
            }
        }
        List<String> layout = Arrays.stream(value(args, "--layout", String.join(";", DEFAULT_LAYOUT)).split(";"))
            .map(String::trim).filter(s -> !s.isEmpty()).toList();
        Duration duration = Duration.ofSeconds(seconds(args, "--duration", 180));
        return new ChaosOptions(
            duration,
            Duration.ofSeconds(seconds(args, "--max-duration", duration.toSeconds())),
            Double.parseDouble(value(args, "--rate", "15")),
            Duration.ofSeconds(seconds(args, "--fault-every", 15)),
            Duration.ofSeconds(seconds(args, "--first-fault-after", 15)),
            faults,
            Duration.ofSeconds(seconds(args, "--pause", session.toSeconds() + 5)),
            session,
            Duration.ofSeconds(seconds(args, "--settle-timeout", 240)),
            Integer.parseInt(value(args, "--customers", "20")),
            Integer.parseInt(value(args, "--skus", "8")),
            Double.parseDouble(value(args, "--ship-fail", "10")),
            Double.parseDouble(value(args, "--out-of-stock", "5")),
            layout,
            Path.of(value(args, "--jar", "gateway/target/sagaway.jar")),
            Path.of(value(args, "--dir", ".local-chaos")),
            Long.parseLong(value(args, "--seed", Long.toString(System.currentTimeMillis()))));
    }

    String describe() {
        String longest = maxDuration.equals(duration) ? "" : " (up to " + maxDuration.toSeconds() + " s until every fault ran)";
        return String.format(Locale.ROOT, "%d s%s at %.1f orders/s over %d customers and %d SKUs (%.0f%% ship-fail, %.0f%% out-of-stock); "
                + "faults %s, one every %d s after the last ended, the first after %d s; pause %d s; session timeout %d s; "
                + "%d processes: %s; seed %d", duration.toSeconds(), longest, rate, customers, skus, shipFailPercent, outOfStockPercent,
            faults.stream().map(Fault.Kind::label).toList(), faultEvery.toSeconds(), firstFaultAfter.toSeconds(), pause.toSeconds(),
            sessionTimeout.toSeconds(), layout.size(), String.join(" ", layout), seed);
    }

    private static String value(List<String> args, String name, String fallback) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!VALUED.contains(arg) && !"--help".equals(arg)) {
                throw new IllegalArgumentException("unknown option " + arg + "\n" + USAGE);
            }
            if (VALUED.contains(arg)) {
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                if (arg.equals(name)) {
                    return args.get(i + 1);
                }
                i++;
            }
        }
        return fallback;
    }

    private static long seconds(List<String> args, String name, long fallback) {
        long value = Long.parseLong(value(args, name, Long.toString(fallback)));
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be 0 or more");
        }
        return value;
    }
}
