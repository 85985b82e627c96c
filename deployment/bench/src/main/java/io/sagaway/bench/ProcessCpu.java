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

    /** One process's CPU time so far, and the part it belongs to. */
    record Sample(Part part, Duration cpu) {
    }

    /** CPU time per process (by pid) at one moment. */
    record Snapshot(long atNanos, Map<Long, Sample> processes) {
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
        Map<Long, Sample> processes = new LinkedHashMap<>();
        long self = ProcessHandle.current().pid();
        File[] entries = new File("/proc").listFiles((dir, name) -> name.chars().allMatch(Character::isDigit));
        for (File entry : entries == null ? new File[0] : entries) {
            try {
                long pid = Long.parseLong(entry.getName());
                String command = Files.readString(entry.toPath().resolve("cmdline")).replace('\0', ' ');
                Optional<Part> part = pid == self ? Optional.of(Part.LOAD_GENERATOR) : partOf(command);
                if (part.isPresent()) {
                    processes.put(pid, new Sample(part.get(), cpuTime(Files.readString(entry.toPath().resolve("stat")))));
                }
            } catch (IOException | RuntimeException e) {
                // The process ended while being read: it no longer counts.
            }
        }
        return new Snapshot(System.nanoTime(), processes);
    }

    /** utime + stime of a /proc/PID/stat line (fields 14 and 15, counted after the command in parentheses). */
    static Duration cpuTime(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND);
    }

    /**
     * Per part, what its processes used in between: a process alive at both ends counts its
     * difference, one started in between counts all it used. One that ended in between (a killed
     * platform process, a closed PostgreSQL connection) can no longer be read: what it used since
     * the start is missing, so the figure is a floor, and the other processes still count.
     */
    static Usage between(Snapshot start, Snapshot end) {
        Map<Part, Duration> used = new LinkedHashMap<>();
        for (Part part : Part.values()) {
            used.put(part, Duration.ZERO);
        }
        end.processes().forEach((pid, sample) -> {
            Sample before = start.processes().get(pid);
            Duration delta = before == null || before.part() != sample.part() ? sample.cpu() : sample.cpu().minus(before.cpu());
            used.merge(sample.part(), delta.isNegative() ? Duration.ZERO : delta, Duration::plus);
        });
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
