package io.sagaway.gateway.config;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** What one process of the platform does; one jar runs all roles (the default) or a chosen subset. */
public enum Role {
    /** The HTTP server: GraphQL, health, metrics, auth and the admin UI. */
    GATEWAY,
    /** The order aggregate's command handler on the event bus. */
    ORDER_COMMANDS,
    /** Moves committed outbox rows to Kafka. */
    OUTBOX_RELAY,
    /** The saga orchestrator, its timers, and the dead-letter store's operator actions. */
    ORDER_SAGA,
    /** The payment participant: accounts, debits and refunds. */
    PAYMENT,
    /** The inventory participant: stock, reservations and releases. */
    INVENTORY,
    /** The shipping participant: shipments and tracking numbers. */
    SHIPPING,
    /** The read side: projectors into Elasticsearch, and read-model rebuilds. */
    PROJECTOR;

    /** Whether the role writes to PostgreSQL, and so needs the schema migrated first. */
    public boolean usesPostgres() {
        return this != GATEWAY;
    }

    public static Set<Role> parse(String setting, String text) {
        if (text == null || text.isBlank() || text.trim().equalsIgnoreCase("all")) {
            return EnumSet.allOf(Role.class);
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        for (String part : text.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT).replace('-', '_');
            try {
                roles.add(Role.valueOf(name));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(setting + ": unknown role '" + part.trim() + "'; expected 'all' or a list of "
                    + Arrays.stream(values()).map(r -> r.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", ")));
            }
        }
        return roles;
    }
}
