package io.sagaway.saga.stuck;

import java.util.Optional;

/**
 * What the platform stores about where one saga's current step is, beyond the saga itself.
 *
 * @param parked  the newest of its messages parked in dead letters and not redriven
 * @param request the newest message on its current step's request topic (the attempt in flight)
 * @param reply   the newest message on that step's reply topic
 * @param lag     where the consumer group that must read the message waited on stands on its partition
 */
public record Evidence(Optional<Parked> parked, Optional<Sent> request, Optional<Sent> reply, Optional<PartitionLag> lag) {

    public static final Evidence NONE = new Evidence(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /** A dead letter of the saga's order. */
    public record Parked(String id, String consumer, String messageType, String error, int attempts) {
    }

    /**
     * A message in the outbox: whether the relay published it (and where) and whether the group
     * that reads it processed it.
     *
     * @param position its place in the outbox, to tell which of a request and a reply came last
     */
    public record Sent(String messageId, String type, String topic, String consumer, long position, boolean published, Integer partition,
                       Long offset, boolean consumed) {
    }

    /**
     * A consumer group on one partition.
     *
     * @param members   the group's live consumers (0: none is running)
     * @param committed the group's committed offset on the partition (the next record it will read), or -1 if it never committed
     * @param end       the partition's end offset
     */
    public record PartitionLag(String group, String topic, int partition, int members, long committed, long end) {

        public long behind() {
            return Math.max(0, end - Math.max(0, committed));
        }
    }
}
