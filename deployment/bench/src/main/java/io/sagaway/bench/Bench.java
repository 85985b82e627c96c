package io.sagaway.bench;

import io.sagaway.infra.InfraClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.NewTopic;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Small helpers shared by the benchmarks: blocking on futures from main, argument parsing, printing, scratch names and topics. */
public final class Bench {

    private Bench() {
    }

    public static <T> T await(Future<T> future, Duration timeout) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("benchmark step failed: " + e.getMessage(), e);
        }
    }

    /** Sleeps on the calling thread (never an event loop); an interrupt ends the run. */
    public static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static int intArg(List<String> args, String name, int fallback) {
        int at = args.indexOf(name);
        return at >= 0 && at + 1 < args.size() ? Integer.parseInt(args.get(at + 1)) : fallback;
    }

    static String rate(double value) {
        return String.format(Locale.ROOT, "%,.0f", value);
    }

    /** A name no other run uses, valid as a PostgreSQL schema: {@code bench_} and ten hex digits. */
    static String scratchName() {
        return "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    static void createTopic(Vertx vertx, String kafka, String topic, int partitions) {
        KafkaAdminClient admin = KafkaAdminClient.create(vertx, InfraClients.kafkaAdminConfig(kafka));
        await(admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).eventually(admin::close), Duration.ofSeconds(30));
    }

    static void deleteTopic(Vertx vertx, String kafka, String topic) {
        KafkaAdminClient admin = KafkaAdminClient.create(vertx, InfraClients.kafkaAdminConfig(kafka));
        await(admin.deleteTopics(List.of(topic)).eventually(admin::close), Duration.ofSeconds(30));
    }

    /** The benchmark's output: figures on standard output, one per line. */
    @SuppressWarnings("java:S106")
    static void print(String line) {
        System.out.println(line);
    }
}
