package io.sagaway.testing;

import io.sagaway.infra.InfraClients;
import io.sagaway.infra.Migrations;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/** A PostgreSQL schema of one test's own, migrated like production, dropped afterwards. */
public final class TestSchema implements AutoCloseable {

    private final String name;
    private final String postgresUri;
    private final Pool pool;

    private TestSchema(String name, String postgresUri, Pool pool) {
        this.name = name;
        this.postgresUri = postgresUri;
        this.pool = pool;
    }

    public static TestSchema create(Vertx vertx, String prefix) {
        String uri = TestServices.endpoints().postgresUri();
        String name = TestServices.uniqueName(prefix);
        Migrations.apply(uri, name);
        return new TestSchema(name, uri, InfraClients.postgres(vertx, uri, name, 8));
    }

    public String name() {
        return name;
    }

    public String postgresUri() {
        return postgresUri;
    }

    public Pool pool() {
        return pool;
    }

    public long count(String sql) {
        return Await.result(pool.query(sql).execute()).iterator().next().getLong(0);
    }

    @Override
    public void close() {
        Await.result(pool.query("DROP SCHEMA " + name + " CASCADE").execute());
        Await.result(pool.close());
    }
}
