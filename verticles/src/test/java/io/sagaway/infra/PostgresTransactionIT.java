package io.sagaway.infra;

import io.sagaway.testing.Await;
import io.sagaway.testing.TestServices;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PostgresTransactionIT {

    private static Vertx vertx;
    private static Pool pool;
    private static String schema;

    @BeforeAll
    static void createSchema() {
        vertx = Vertx.vertx();
        pool = InfraClients.postgres(vertx, TestServices.endpoints().postgresUri(), 4);
        schema = TestServices.uniqueName("it_pg");
        Await.result(pool.query("CREATE SCHEMA " + schema).execute());
        Await.result(pool.query("CREATE TABLE " + schema + ".items (id text PRIMARY KEY, note text NOT NULL)").execute());
    }

    @AfterAll
    static void dropSchema() {
        Await.result(pool.query("DROP SCHEMA " + schema + " CASCADE").execute());
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void aTransactionThatHitsADuplicateKeyRollsBackEveryRowItWrote() {
        Throwable failure = Await.failure(pool.withTransaction(conn -> insert(conn, "dup", "first")
            .compose(ignored -> insert(conn, "other", "second"))
            .compose(ignored -> insert(conn, "dup", "again"))));

        assertThat(failure).isInstanceOf(PgException.class);
        assertThat(((PgException) failure).getSqlState()).isEqualTo("23505");
        assertThat(count("dup")).isZero();
        assertThat(count("other")).isZero();
    }

    @Test
    void aTransactionWithoutConflictsCommitsAllItsRows() {
        Await.result(pool.withTransaction(conn -> insert(conn, "a", "one").compose(ignored -> insert(conn, "b", "two"))));

        assertThat(count("a")).isEqualTo(1);
        assertThat(count("b")).isEqualTo(1);
    }

    private static Future<?> insert(SqlConnection conn, String id, String note) {
        return conn.preparedQuery("INSERT INTO " + schema + ".items (id, note) VALUES ($1, $2)").execute(Tuple.of(id, note));
    }

    private static long count(String id) {
        Row row = Await.result(pool.preparedQuery("SELECT count(*) FROM " + schema + ".items WHERE id = $1")
            .execute(Tuple.of(id))).iterator().next();
        return row.getLong(0);
    }
}
