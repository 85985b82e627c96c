package io.sagaway.bench;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessCpuTest {

    @Test
    void readsUserAndSystemTimeFromAProcStatLine() {
        // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...
        String stat = "4242 (redis-server 1) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 130 0 0 20 0 4 0 100 0 0";
        assertThat(ProcessCpu.cpuTime(stat)).isEqualTo(Duration.ofMillis(3800));
    }

    @Test
    void recognisesEachPartByItsCommandLine() {
        assertThat(ProcessCpu.partOf("java -jar gateway/target/sagaway.jar")).contains(ProcessCpu.Part.PLATFORM);
        assertThat(ProcessCpu.partOf("java -cp x io.sagaway.esnode.EsNodeMain home 9200")).contains(ProcessCpu.Part.ELASTICSEARCH);
        assertThat(ProcessCpu.partOf("java -cp kafka.jar kafka.Kafka server.properties")).contains(ProcessCpu.Part.KAFKA);
        assertThat(ProcessCpu.partOf("postgres: sagaway sagaway 127.0.0.1(5000) idle")).contains(ProcessCpu.Part.POSTGRESQL);
        assertThat(ProcessCpu.partOf("redis-server 127.0.0.1:6379")).contains(ProcessCpu.Part.REDIS);
        assertThat(ProcessCpu.partOf("bash")).isEqualTo(Optional.empty());
    }

    @Test
    void reportsUsageAsCoresAndPerSaga() {
        var start = new ProcessCpu.Snapshot(0, Map.of(7L, platform(10)));
        var end = new ProcessCpu.Snapshot(Duration.ofSeconds(10).toNanos(), Map.of(7L, platform(15)));
        ProcessCpu.Usage usage = ProcessCpu.between(start, end);
        assertThat(usage.coresOf(ProcessCpu.Part.PLATFORM)).isEqualTo(0.5);
        assertThat(usage.millisPerSaga(ProcessCpu.Part.PLATFORM, 500)).isEqualTo(10.0);
        assertThat(usage.coresOf(ProcessCpu.Part.KAFKA)).isZero();
    }

    @Test
    void aProcessThatEndsOrStartsInBetweenDoesNotWipeOutTheOthers() {
        // Two platform processes; one is killed during the run, a third starts.
        var start = new ProcessCpu.Snapshot(0, Map.of(1L, platform(10), 2L, platform(10)));
        var end = new ProcessCpu.Snapshot(Duration.ofSeconds(10).toNanos(), Map.of(2L, platform(14), 3L, platform(1)));
        ProcessCpu.Usage usage = ProcessCpu.between(start, end);
        assertThat(usage.cpu().get(ProcessCpu.Part.PLATFORM)).isEqualTo(Duration.ofSeconds(5));
    }

    private static ProcessCpu.Sample platform(int seconds) {
        return new ProcessCpu.Sample(ProcessCpu.Part.PLATFORM, Duration.ofSeconds(seconds));
    }
}
