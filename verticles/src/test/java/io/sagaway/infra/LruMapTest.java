package io.sagaway.infra;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LruMapTest {

    @Test
    void keepsAtMostItsCapacityDroppingTheLeastRecentlyUsed() {
        LruMap<String, Integer> map = new LruMap<>(3);
        map.put("a", 1);
        map.put("b", 2);
        map.put("c", 3);
        map.get("a");
        map.put("d", 4);
        assertThat(map).containsOnlyKeys("a", "c", "d");
        for (int i = 0; i < 10_000; i++) {
            map.put("k" + i, i);
        }
        assertThat(map).hasSize(3).containsOnlyKeys("k9997", "k9998", "k9999");
    }
}
