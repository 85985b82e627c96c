package io.sagaway.readmodel;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Where projectors write: the index behind the alias, plus the index a rebuild is filling, so the
 * new index catches up with live events before the alias moves to it. Looking them up costs an
 * Elasticsearch alias lookup and a PostgreSQL query, so an answer is reused for up to
 * {@link #MAX_AGE}; a rebuild waits out more than that after registering (before its replay)
 * and after moving the alias (before dropping the old index), so no batch misses the new index or
 * writes to a dropped one.
 */
final class WriteTargets {

    /** How long an answer is reused; a rebuild's settle time must be at least twice this. */
    static final Duration MAX_AGE = Duration.ofMillis(500);

    private record Answer(Future<List<String>> targets, long askedAtNanos) {
    }

    private final ReadModelIndices indices;
    private final Pool pool;
    private final Map<ReadModelIndices.Kind, Answer> answers = new EnumMap<>(ReadModelIndices.Kind.class);

    WriteTargets(ReadModelIndices indices, Pool pool) {
        this.indices = indices;
        this.pool = pool;
    }

    /** The indices to write {@code kind} to, as of at most {@link #MAX_AGE} ago (a lookup under way is shared, a failed one is not kept). */
    Future<List<String>> of(ReadModelIndices.Kind kind) {
        long now = System.nanoTime();
        Answer answer = answers.get(kind);
        if (answer != null && !answer.targets().failed() && now - answer.askedAtNanos() < MAX_AGE.toNanos()) {
            return answer.targets();
        }
        Future<List<String>> targets = lookUp(kind);
        answers.put(kind, new Answer(targets, now));
        return targets;
    }

    private Future<List<String>> lookUp(ReadModelIndices.Kind kind) {
        return indices.ensure(kind).compose(live -> RebuildStore.building(pool, indices.alias(kind)).map(building -> {
            List<String> targets = new ArrayList<>();
            targets.add(live);
            building.filter(index -> !index.equals(live)).ifPresent(targets::add);
            return List.copyOf(targets);
        }));
    }
}
