package io.sagaway.saga;

import io.sagaway.saga.domain.SagaStatus;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * Sagas by status, counted in PostgreSQL without reading every saga ever run on each refresh
 * (every gateway refreshes its metrics every few seconds, and the table only grows).
 *
 * <p>Running and compensating sagas are counted whole, through the {@code (status, updated_at)}
 * index. A finished saga never changes again ({@code OrderSaga} ignores every input once it is
 * finished), so finished ones are counted once up to a watermark that stays {@link #SETTLE}
 * behind PostgreSQL's clock, and from then on only the ones between the last watermark and the new
 * one are counted and added, beside those finished after it, counted each time. A refresh costs
 * the sagas in flight and those finished in the last few minutes; only the first one reads them all.
 * The watermark's distance covers a saga's transaction committing after the time it wrote as
 * {@code updated_at}.
 *
 * <p>One instance per process, refreshed from one context (not concurrently).
 */
public final class SagaStatusCounts {

    static final Duration SETTLE = Duration.ofMinutes(5);

    private static final String[] FINISHED = Arrays.stream(SagaStatus.values()).filter(SagaStatus::isFinished).map(Enum::name)
        .toArray(String[]::new);
    private static final String[] ACTIVE = Arrays.stream(SagaStatus.values()).filter(s -> !s.isFinished()).map(Enum::name)
        .toArray(String[]::new);

    private final Duration settle;
    /** Finished sagas with {@code updated_at} at or before {@link #watermark}. */
    private final Map<SagaStatus, Long> settled = new EnumMap<>(SagaStatus.class);
    private OffsetDateTime watermark;

    public SagaStatusCounts() {
        this(SETTLE);
    }

    SagaStatusCounts(Duration settle) {
        this.settle = settle;
    }

    /** Every status's count now (0 for a status no saga has). */
    public Future<Map<SagaStatus, Long>> refresh(Pool pool) {
        return pool.withConnection(connection -> connection.query("SELECT now()").execute()
            .map(rows -> rows.iterator().next().getOffsetDateTime(0).minus(settle))
            .compose(next -> settledUpTo(connection, next)
                .compose(newlySettled -> connection.preparedQuery("""
                        SELECT status, count(*) FROM sagas
                        WHERE status = ANY($1) OR (status = ANY($2) AND updated_at > $3)
                        GROUP BY status""")
                    .execute(Tuple.of(ACTIVE, FINISHED, next))
                    .map(recent -> {
                        // Only now that both answered: a failed refresh leaves the counts as they were.
                        newlySettled.forEach((status, n) -> settled.merge(status, n, Long::sum));
                        watermark = next;
                        Map<SagaStatus, Long> counts = new EnumMap<>(SagaStatus.class);
                        for (SagaStatus status : SagaStatus.values()) {
                            counts.put(status, settled.getOrDefault(status, 0L));
                        }
                        add(recent, counts);
                        return counts;
                    }))));
    }

    /** Finished sagas whose {@code updated_at} is after the current watermark (or any, at first) and at or before {@code next}. */
    private Future<Map<SagaStatus, Long>> settledUpTo(SqlConnection connection, OffsetDateTime next) {
        Future<RowSet<Row>> rows = watermark == null
            ? connection.preparedQuery("SELECT status, count(*) FROM sagas WHERE status = ANY($1) AND updated_at <= $2 GROUP BY status")
                .execute(Tuple.of(FINISHED, next))
            : connection.preparedQuery("""
                    SELECT status, count(*) FROM sagas WHERE status = ANY($1) AND updated_at > $2 AND updated_at <= $3
                    GROUP BY status""")
                .execute(Tuple.of(FINISHED, watermark, next));
        return rows.map(found -> add(found, new EnumMap<>(SagaStatus.class)));
    }

    private static Map<SagaStatus, Long> add(RowSet<Row> rows, Map<SagaStatus, Long> into) {
        rows.forEach(row -> into.merge(SagaStatus.valueOf(row.getString(0)), row.getLong(1), Long::sum));
        return into;
    }
}
