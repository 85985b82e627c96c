package io.sagaway.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * CPU time used by each part of a co-located deployment, read from the operating system's
 * process table: the platform, each backing service and the load generator itself. Two snapshots
 * around the steady state tell where a saga's CPU goes on this machine. Processes are told apart
 * by their command lines, as the local stack and ./run.sh start them.
 */
final class ProcessCpu {

    /** The parts, in report order, and how to recognise their processes. */
    enum Part {
        PLATFORM("the platform (sagaway.jar)", List.of("sagaway.jar", "io.sagaway.gateway.Main")),
        ELASTICSEARCH("Elasticsearch", List.of("io.sagaway.esnode", "org.elasticsearch.bootstrap")),
        KAFKA("Kafka", List.of("kafka.Kafka")),
        POSTGRESQL("PostgreSQL", List.of("postgres")),
        REDIS("Redis", List.of("redis-server")),
        LOAD_GENERATOR("the load generator", List.of());

        final String label;
        final List<String> markers;

        Part(String label, List<String> markers) {
            this.label = label;
            this.markers = markers;
        }
    }

    /** CPU time per part at one moment. */
    record Snapshot(long atNanos, Map<Part, Duration> cpu) {
    }

    /** CPU used between two snapshots: per part, as a share of one core and per completed saga. */
    record Usage(Duration wall, Map<Part, Duration> cpu) {
        double coresOf(Part part) {
            return cpu.getOrDefault(part, Duration.ZERO).toNanos() / (double) wall.toNanos();
        }

        double millisPerSaga(Part part, long sagas) {
            return sagas == 0 ? Double.NaN : cpu.getOrDefault(part, Duration.ZERO).toNanos() / 1e6 / sagas;
        }

        double totalCores() {
            return cpu.values().stream().mapToLong(Duration::toNanos).sum() / (double) wall.toNanos();
        }
    }

    private ProcessCpu() {
    }

    /** Linux's clock ticks per second, in which /proc reports CPU time (USER_HZ, 100 on every mainstream build). */
    private static final long TICKS_PER_SECOND = 100;

    /**
     * Reads /proc: the JDK's ProcessHandle leaves out command lines it cannot vouch for (such as
     * redis-server, a link to another binary), so processes would go unrecognised.
     */
    static Snapshot snapshot() {
        Map<Part, Duration> cpu = new LinkedHashMap<>();
        long self = ProcessHandle.current().pid();
        File[] entries = new File("/proc").listFiles((dir, name) -> name.chars().allMatch(Character::isDigit));
        for (File entry : entries == null ? new File[0] : entries) {
            try {
                long pid = Long.parseLong(entry.getName());
                String command = Files.readString(entry.toPath().resolve("cmdline")).replace('\0', ' ');
                Optional<Part> part = pid == self ? Optional.of(Part.LOAD_GENERATOR) : partOf(command);
                if (part.isPresent()) {
                    cpu.merge(part.get(), cpuTime(Files.readString(entry.toPath().resolve("stat"))), Duration::plus);
                }
            } catch (IOException | RuntimeException e) {
                // The process ended while being read: it no longer counts.
            }
        }
        return new Snapshot(System.nanoTime(), cpu);
    }

    /** utime + stime of a /proc/PID/stat line (fields 14 and 15, counted after the command in parentheses). */
    static Duration cpuTime(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
    }

    static Usage between(Snapshot start, Snapshot end) {
        Map<Part, Duration> used = new LinkedHashMap<>();
        for (Part part : Part.values()) {
            Duration delta = end.cpu().getOrDefault(part, Duration.ZERO).minus(start.cpu().getOrDefault(part, Duration.ZERO));
            // A process that ended in between would count negative: count what is known instead.
            used.put(part, delta.isNegative() ? Duration.ZERO : delta);
        }
        return new Usage(Duration.ofNanos(end.atNanos() - start.atNanos()), used);
    }

    static Optional<Part> partOf(String command) {
        for (Part part : Part.values()) {
            for (String marker : part.markers) {
                if (command.contains(marker)) {
                    return Optional.of(part);
                }
            }
        }
        return Optional.empty();
    }
}
