package io.sagaway.stack;

import java.util.Arrays;
import java.util.Locale;

/** The four real services the platform needs. */
public enum ServiceKind {
    POSTGRESQL("PostgreSQL", "postgres"),
    REDIS("Redis", "redis"),
    KAFKA("Kafka", "kafka"),
    ELASTICSEARCH("Elasticsearch", "elasticsearch");

    private final String displayName;
    private final String folder;

    ServiceKind(String displayName, String folder) {
        this.displayName = displayName;
        this.folder = folder;
    }

    public String displayName() {
        return displayName;
    }

    /** The sub-folder of the stack folder that holds this service's data, log and pid file. */
    public String folder() {
        return folder;
    }

    /** Accepts the enum name, the display name or the folder name, in any case. */
    public static ServiceKind parse(String text) {
        String wanted = text.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
            .filter(k -> k.name().toLowerCase(Locale.ROOT).equals(wanted)
                || k.displayName.toLowerCase(Locale.ROOT).equals(wanted)
                || k.folder.equals(wanted))
            .findFirst()
            .orElseThrow(() -> new IllegalArgumentException(
                "unknown service '" + text + "': expected one of postgresql, redis, kafka, elasticsearch"));
    }
}
