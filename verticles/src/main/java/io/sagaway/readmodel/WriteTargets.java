package io.sagaway.readmodel;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;

import java.util.ArrayList;
import java.util.List;

/**
 * Where projectors write: the index behind the alias, plus the index a rebuild is filling, so the
 * new index catches up with live events before the alias moves to it. Read fresh for each batch
 * (one cheap query), so a rebuild's start is seen by every projector before its replay begins.
 */
final class WriteTargets {

    private final ReadModelIndices indices;
    private final Pool pool;

    WriteTargets(ReadModelIndices indices, Pool pool) {
        this.indices = indices;
        this.pool = pool;
    }

    Future<List<String>> of(ReadModelIndices.Kind kind) {
        return indices.ensure(kind).compose(live -> RebuildStore.building(pool, indices.alias(kind)).map(building -> {
            List<String> targets = new ArrayList<>();
            targets.add(live);
            building.filter(index -> !index.equals(live)).ifPresent(targets::add);
            return targets;
        }));
    }
}
