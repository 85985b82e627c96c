package io.sagaway.stack;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** A one-node KRaft Kafka broker in its own JVM, from the classpath of {@code deployment/kafka-node}. */
final class KafkaService extends LocalService {

    KafkaService(StackSettings settings) {
        super(settings);
    }

    @Override
    ServiceKind kind() {
        return ServiceKind.KAFKA;
    }

    @Override
    List<Integer> otherPorts() {
        return List.of(settings.kafkaControllerPort());
    }

    @Override
    ProcessHandle launch() throws IOException {
        String classpath = nodeClasspath("kafka-node", false);
        Files.createDirectories(dir().resolve("data"));
        Path properties = dir().resolve("server.properties");
        Files.writeString(properties, serverProperties());
        if (!Files.isRegularFile(dir().resolve("data/meta.properties"))) {
            runToCompletion(List.of(java(), "-Xmx256m", "-cp", classpath, "kafka.tools.StorageTool",
                "format", "-t", clusterId(), "-c", properties.toString(), "--ignore-formatted"), Map.of(), 120);
        }
        return ManagedProcess.launch(dir(), log(), List.of(java(),
            "-Xms256m", "-Xmx512m", "-XX:+UseG1GC", "-Djava.awt.headless=true",
            "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
            "-Dorg.slf4j.simpleLogger.showDateTime=true",
            "-cp", classpath, "kafka.Kafka", properties.toString()), Map.of());
    }

    @Override
    boolean ready() {
        return Probe.probe(ServiceKind.KAFKA, port()) == Probe.Answer.ANSWERS;
    }

    private String serverProperties() {
        int port = port();
        int controller = settings.kafkaControllerPort();
        return String.join("\n",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@127.0.0.1:" + controller,
            "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
            "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "controller.listener.names=CONTROLLER",
            "inter.broker.listener.name=PLAINTEXT",
            "log.dirs=" + dir().resolve("data"),
            "num.partitions=8",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=8",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "min.insync.replicas=1",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "group.initial.rebalance.delay.ms=0",
            "log.retention.hours=168",
            "") ;
    }

    /** A random cluster id in Kafka's form (16 bytes, URL-safe base64 without padding) that does not start with '-' or '_'. */
    static String clusterId() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            String id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
            // The storage tool's argument parser takes an id starting with '-' for an option: draw again.
            if (Character.isLetterOrDigit(id.charAt(0))) {
                return id;
            }
        }
    }
}
