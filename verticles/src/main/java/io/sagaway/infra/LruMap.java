package io.sagaway.infra;

import java.util.LinkedHashMap;
import java.util.Map;

/** A map of at most {@code capacity} entries that drops the least recently used first. Not thread-safe. */
public final class LruMap<K, V> extends LinkedHashMap<K, V> {

    private final int capacity;

    public LruMap(int capacity) {
        // Starts small and grows: many maps (one per subscription) may each hold only a few entries.
        super(16, 0.75f, true);
        this.capacity = capacity;
    }

    @Override
    protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
    }
}
