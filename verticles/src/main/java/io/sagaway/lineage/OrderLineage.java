package io.sagaway.lineage;

import io.sagaway.lineage.LineageHop.Kind;
import io.sagaway.lineage.LineageRecords.DeadLetter;
import io.sagaway.lineage.LineageRecords.Event;
import io.sagaway.lineage.LineageRecords.Message;
import io.sagaway.lineage.LineageRecords.Processed;
import io.sagaway.readmodel.SagaDocuments;
import io.sagaway.saga.domain.TimelineEntry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One order's path through the platform, every hop in time order, each with the time spent in it:
 * the accepted mutation, its events, each message's publishing (topic, partition, offset), each
 * consumer's processing (group, attempt), dead letters and redrives, the saga's timeline, and the
 * read model's documents. Nothing is guessed: a hop whose starting time is no longer stored has
 * no duration.
 *
 * @param traceId the trace the order's placeOrder began, which its messages continued (null when tracing was off)
 * @param slowest the transport hop that took longest (publishing, consuming, indexing, an event
 *                after the message that caused it): where to look when the order was slow; saga
 *                entries are left out, as their durations span whole steps, hops included
 */
public record OrderLineage(String orderId, String customerId, String traceId, List<LineageHop> hops, Optional<LineageHop> slowest) {

    private static final Set<Kind> TRANSPORT = Set.of(Kind.EVENT_APPENDED, Kind.PUBLISHED, Kind.CONSUMED, Kind.INDEXED);

    /** The hops of {@code records}, oldest first. */
    public static OrderLineage assemble(LineageRecords records) {
        Map<String, Message> messages = new HashMap<>();
        records.messages().forEach(m -> messages.put(m.messageId(), m));
        Map<String, String> types = new HashMap<>();
        records.events().forEach(e -> types.put(e.eventId(), e.type()));
        records.messages().forEach(m -> types.put(m.messageId(), m.type()));
        // The first time each message was processed: what a change it caused follows.
        Map<String, Processed> firstProcessed = new HashMap<>();
        records.processed().stream().sorted(Comparator.comparing(Processed::at))
            .forEach(p -> firstProcessed.putIfAbsent(p.messageId(), p));

        List<LineageHop> hops = new ArrayList<>();
        for (Event e : records.events()) {
            if (e.version() == 1) {
                hops.add(LineageHop.hop(e.occurredAt(), Kind.ACCEPTED).message(e.eventId(), e.type()).version(e.version())
                    .detail(e.causationId() == null ? null : "request " + e.causationId()).build());
            }
            Processed cause = e.causationId() == null ? null : firstProcessed.get(e.causationId());
            hops.add(LineageHop.hop(e.occurredAt(), Kind.EVENT_APPENDED).message(e.eventId(), e.type()).version(e.version())
                .since(cause == null ? null : cause.at(), cause == null ? null : "its cause " + types.get(cause.messageId()) + " consumed")
                .build());
        }
        for (Message m : records.messages()) {
            if (m.publishedAt() == null) {
                hops.add(LineageHop.hop(m.writtenAt(), Kind.PENDING_PUBLISH).message(m.messageId(), m.type()).version(m.version())
                    .record(m.topic(), null, null).build());
            } else {
                hops.add(LineageHop.hop(m.publishedAt(), Kind.PUBLISHED).message(m.messageId(), m.type()).version(m.version())
                    .record(m.topic(), m.partition(), m.offset()).since(m.writtenAt(), "its transaction began").build());
            }
        }
        for (Processed p : records.processed()) {
            Message m = messages.get(p.messageId());
            hops.add(LineageHop.hop(p.at(), Kind.CONSUMED).message(p.messageId(), types.get(p.messageId()))
                .version(m == null ? null : m.version()).consumer(p.consumer(), p.attempt())
                .record(m == null ? null : m.topic(), m == null ? null : m.partition(), m == null ? null : m.offset())
                .since(m == null ? null : m.publishedAt(), "published").build());
        }
        for (DeadLetter d : records.deadLetters()) {
            Message m = d.messageId() == null ? null : messages.get(d.messageId());
            hops.add(LineageHop.hop(d.firstFailedAt(), Kind.DEAD_LETTERED).message(d.messageId(), types.get(d.messageId()))
                .record(d.topic(), d.partition(), d.offset()).consumer(d.consumer(), d.attempts()).detail(d.error())
                .since(m == null ? null : m.publishedAt(), "published").build());
            if (d.redrivenAt() != null) {
                hops.add(LineageHop.hop(d.redrivenAt(), Kind.REDRIVEN).message(d.messageId(), types.get(d.messageId()))
                    .record(d.topic(), d.partition(), d.offset()).consumer(d.consumer(), d.attempts())
                    .since(d.firstFailedAt(), "set aside").detail("dead letter " + d.id()).build());
            }
        }
        Instant previous = null;
        for (TimelineEntry t : records.timeline()) {
            String text = t.times() > 1 ? t.message() + " (" + t.times() + " times since " + t.firstAt() + ")" : t.message();
            hops.add(LineageHop.hop(t.at(), Kind.SAGA).saga(t.type(), t.step()).detail(text)
                .since(previous, previous == null ? null : "the saga's previous entry").build());
            previous = t.at();
        }
        records.orderDocument().ifPresent(doc -> {
            Optional<Event> event = records.events().stream().filter(e -> e.version() == doc.version()).findFirst();
            Message published = event.map(e -> messages.get(e.eventId())).orElse(null);
            LineageHop.Builder hop = LineageHop.hop(doc.projectedAt(), Kind.INDEXED).version(doc.version())
                .message(event.map(Event::eventId).orElse(null), "order document")
                .detail("the order's document in Elasticsearch, at version " + doc.version());
            if (published != null && published.publishedAt() != null) {
                hop.since(published.publishedAt(), "published");
            } else {
                hop.since(event.map(Event::occurredAt).orElse(null), "committed");
            }
            hops.add(hop.build());
        });
        records.sagaDocument().ifPresent(doc -> {
            Optional<Message> update = records.messages().stream()
                .filter(m -> SagaDocuments.SAGA_UPDATED.equals(m.type()) && m.version() == doc.version()).findFirst();
            hops.add(LineageHop.hop(doc.projectedAt(), Kind.INDEXED).version(doc.version())
                .message(update.map(Message::messageId).orElse(null), "saga document")
                .detail("the saga's document in Elasticsearch, at version " + doc.version())
                .since(update.map(Message::publishedAt).orElse(null), "published").build());
        });
        hops.sort(Comparator.comparing(LineageHop::at).thenComparing(h -> h.kind().ordinal()));
        Optional<LineageHop> slowest = hops.stream()
            .filter(h -> TRANSPORT.contains(h.kind()) && h.durationMs() != null)
            .max(Comparator.comparingLong(LineageHop::durationMs));
        return new OrderLineage(records.orderId(), records.customerId(), records.traceId(), List.copyOf(hops), slowest);
    }
}
