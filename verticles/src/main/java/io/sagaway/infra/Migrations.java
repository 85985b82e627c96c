package io.sagaway.infra;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * Applies the schema's migrations ({@code db/migration}) with Flyway, at start-up and in tests.
 * Blocking: call it from a start-up thread or a worker, never from an event loop.
 */
public final class Migrations {

    private Migrations() {
    }

    /** Migrates {@code schema} (created when missing) of the database at {@code postgresUri}. */
    public static MigrateResult apply(String postgresUri, String schema) {
        Jdbc jdbc = Jdbc.from(postgresUri);
        return Flyway.configure()
            .dataSource(jdbc.url(), jdbc.user(), jdbc.password())
            .schemas(schema)
            .defaultSchema(schema)
            .createSchemas(true)
            .locations("classpath:db/migration")
            .load()
            .migrate();
    }

    /** A {@code postgresql://user:password@host:port/db} URI in JDBC's terms. */
    public record Jdbc(String url, String user, String password) {
        public static Jdbc from(String postgresUri) {
            URI uri = URI.create(postgresUri.replaceFirst("^postgres://", "postgresql://"));
            String user = null;
            String password = null;
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
                password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : null;
            }
            int port = uri.getPort() < 0 ? 5432 : uri.getPort();
            String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
            return new Jdbc("jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getRawPath() + query, user, password);
        }
    }
}
