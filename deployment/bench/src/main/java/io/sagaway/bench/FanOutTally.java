package io.sagaway.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * What many subscribers of the same updates received, and when: for each update (an order at a
 * version), the moment each client got it. The fan-out delay of a delivery is how much later it
 * arrived than the update's first arrival at any client: what the subscribers beyond the first
 * cost. Safe from any thread (deliveries arrive on several event loops).
 */
final class FanOutTally {

    private final Map<String, Update> updates = new ConcurrentHashMap<>();
    private final LongAdder duplicates = new LongAdder();

    /** One update's arrivals: the first, and every delay after it. */
    private static final class Update {
        private final AtomicLong first = new AtomicLong(Long.MAX_VALUE);
        private final Map<Integer, Long> arrivals = new ConcurrentHashMap<>();
    }

    /** The figures for a run with {@code clients} subscribers. */
    record Summary(int updates, long delivered, long expected, long duplicates, Distribution fanOutMillis) {
        double deliveredShare() {
            return expected == 0 ? Double.NaN : (double) delivered / expected;
        }
    }

    /** Client {@code client} received update {@code key} at {@code nanos}. */
    void delivered(int client, String key, long nanos) {
        Update update = updates.computeIfAbsent(key, k -> new Update());
        update.first.accumulateAndGet(nanos, Math::min);
        if (update.arrivals.putIfAbsent(client, nanos) != null) {
            duplicates.increment();
        }
    }

    /** How many clients have update {@code key} so far. */
    int receivedBy(String key) {
        Update update = updates.get(key);
        return update == null ? 0 : update.arrivals.size();
    }

    /** The updates that fewer than {@code clients} clients received, with how many did. */
    Map<String, Integer> incomplete(int clients, Predicate<String> counted) {
        Map<String, Integer> short_ = new TreeMap<>();
        updates.forEach((key, update) -> {
            if (counted.test(key) && update.arrivals.size() < clients) {
                short_.put(key, update.arrivals.size());
            }
        });
        return short_;
    }

    Summary summary(int clients) {
        return summary(clients, key -> true);
    }

    /** The figures of the updates whose key {@code counted} accepts. */
    Summary summary(int clients, Predicate<String> counted) {
        List<Double> delays = new ArrayList<>();
        long delivered = 0;
        int kept = 0;
        for (var entry : updates.entrySet()) {
            if (!counted.test(entry.getKey())) {
                continue;
            }
            kept++;
            Update update = entry.getValue();
            long first = update.first.get();
            for (long arrival : update.arrivals.values()) {
                delays.add((arrival - first) / 1e6);
            }
            delivered += update.arrivals.size();
        }
        return new Summary(kept, delivered, (long) kept * clients, duplicates.sum(), Distribution.of(delays));
    }
}
