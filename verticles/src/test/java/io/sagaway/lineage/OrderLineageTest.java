package io.sagaway.lineage;

import io.sagaway.lineage.LineageHop.Kind;
import io.sagaway.lineage.LineageRecords.DeadLetter;
import io.sagaway.lineage.LineageRecords.Document;
import io.sagaway.lineage.LineageRecords.Event;
import io.sagaway.lineage.LineageRecords.Message;
import io.sagaway.lineage.LineageRecords.Processed;
import io.sagaway.saga.domain.SagaEventType;
import io.sagaway.saga.domain.SagaStepName;
import io.sagaway.saga.domain.TimelineEntry;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class OrderLineageTest {

    private static final Instant T0 = Instant.parse("2026-11-30T10:00:00Z");

    private static Instant at(long ms) {
        return T0.plusMillis(ms);
    }

    private static final String PLACED = "00000000-0000-0000-0000-000000000001";
    private static final String DEBIT = "00000000-0000-0000-0000-000000000002";
    private static final String DEBITED = "00000000-0000-0000-0000-000000000003";
    private static final String PAID = "00000000-0000-0000-0000-000000000004";
    private static final String SAGA_2 = "00000000-0000-0000-0000-000000000005";

    /** An order paid for: placed, its payment requested and debited, the event of it appended, documents indexed. */
    private static LineageRecords paid(List<Message> messages, List<DeadLetter> deadLetters) {
        return new LineageRecords("o-1", "alice", "0af7651916cd43dd8448eb211c80319c",
            List.of(new Event(PLACED, 1, "OrderPlaced", "request-9", at(0)), new Event(PAID, 2, "PaymentReceived", DEBITED, at(95))),
            messages,
            List.of(new Processed("order-saga", PLACED, at(20), 1), new Processed("payment", DEBIT, at(50), 2),
                new Processed("order-saga", DEBITED, at(90), 1)),
            deadLetters,
            List.of(new TimelineEntry(at(20), SagaEventType.STARTED, null, "started"),
                new TimelineEntry(at(20), SagaEventType.STEP_REQUESTED, SagaStepName.PAYMENT, "payment requested"),
                new TimelineEntry(at(90), SagaEventType.STEP_SUCCEEDED, SagaStepName.PAYMENT, "paid", 1, null)),
            Optional.of(new Document(2, at(400))), Optional.of(new Document(2, at(130))));
    }

    private static List<Message> allMessages() {
        return List.of(
            new Message(PLACED, "OrderPlaced", "order.events", 1, "request-9", at(0), at(10), 3, 41L),
            new Message(DEBIT, "DebitPayment", "payment.requests", 1, PLACED, at(20), at(30), 3, 7L),
            new Message(DEBITED, "PaymentDebited", "payment.replies", 1, DEBIT, at(50), at(60), 3, 12L),
            new Message(PAID, "PaymentReceived", "order.events", 2, DEBITED, at(90), at(100), 3, 42L),
            new Message(SAGA_2, "SagaUpdated", "saga.events", 2, DEBITED, at(90), at(110), 3, 99L));
    }

    @Test
    void eachHopIsTimedFromWhatItFollowsAndTheHopsComeInTimeOrder() {
        OrderLineage lineage = OrderLineage.assemble(paid(allMessages(), List.of()));

        assertThat(lineage.hops()).extracting(LineageHop::at).isSorted();
        assertThat(lineage.customerId()).isEqualTo("alice");
        LineageHop accepted = only(lineage, Kind.ACCEPTED);
        assertThat(accepted.detail()).isEqualTo("request request-9");
        assertThat(accepted.durationMs()).isNull();

        LineageHop debitPublished = lineage.hops().stream().filter(h -> h.kind() == Kind.PUBLISHED && DEBIT.equals(h.messageId()))
            .findFirst().orElseThrow();
        assertThat(debitPublished.durationMs()).isEqualTo(10);
        assertThat(debitPublished.since()).isEqualTo("its transaction began");
        assertThat(debitPublished.topic()).isEqualTo("payment.requests");
        assertThat(debitPublished.partition()).isEqualTo(3);
        assertThat(debitPublished.offset()).isEqualTo(7L);

        LineageHop debitConsumed = lineage.hops().stream().filter(h -> h.kind() == Kind.CONSUMED && DEBIT.equals(h.messageId()))
            .findFirst().orElseThrow();
        assertThat(debitConsumed.consumer()).isEqualTo("payment");
        assertThat(debitConsumed.attempt()).isEqualTo(2);
        assertThat(debitConsumed.durationMs()).isEqualTo(20); // published at 30, processed at 50
        assertThat(debitConsumed.messageType()).isEqualTo("DebitPayment");
        assertThat(debitConsumed.offset()).isEqualTo(7L);

        LineageHop paidEvent = lineage.hops().stream().filter(h -> h.kind() == Kind.EVENT_APPENDED && h.version() == 2)
            .findFirst().orElseThrow();
        assertThat(paidEvent.since()).isEqualTo("its cause PaymentDebited consumed");
        assertThat(paidEvent.durationMs()).isEqualTo(5);

        List<LineageHop> saga = lineage.hops().stream().filter(h -> h.kind() == Kind.SAGA).toList();
        assertThat(saga).extracting(LineageHop::sagaEvent)
            .containsExactly(SagaEventType.STARTED, SagaEventType.STEP_REQUESTED, SagaEventType.STEP_SUCCEEDED);
        assertThat(saga.get(0).durationMs()).isNull();
        assertThat(saga.get(2).durationMs()).isEqualTo(70);
        assertThat(saga.get(2).step()).isEqualTo(SagaStepName.PAYMENT);

        LineageHop orderDocument = lineage.hops().stream().filter(h -> "order document".equals(h.messageType())).findFirst().orElseThrow();
        assertThat(orderDocument.kind()).isEqualTo(Kind.INDEXED);
        assertThat(orderDocument.durationMs()).isEqualTo(300); // PaymentReceived published at 100, indexed at 400
        LineageHop sagaDocument = lineage.hops().stream().filter(h -> "saga document".equals(h.messageType())).findFirst().orElseThrow();
        assertThat(sagaDocument.durationMs()).isEqualTo(20);
        assertThat(sagaDocument.messageId()).isEqualTo(SAGA_2);

        assertThat(lineage.slowest()).contains(orderDocument);
    }

    @Test
    void messagesPastTheirRetentionLeaveHopsWithoutAGuessedDuration() {
        // Published rows deleted: only the events, the consumers' records, the saga and the documents remain.
        OrderLineage lineage = OrderLineage.assemble(paid(List.of(), List.of()));

        assertThat(lineage.hops()).noneMatch(h -> h.kind() == Kind.PUBLISHED);
        assertThat(lineage.hops()).filteredOn(h -> h.kind() == Kind.CONSUMED)
            .hasSize(3)
            .allSatisfy(h -> {
                assertThat(h.durationMs()).isNull();
                assertThat(h.offset()).isNull();
            });
        // The order document then counts from the event's commit, which the event store keeps.
        LineageHop orderDocument = lineage.hops().stream().filter(h -> "order document".equals(h.messageType())).findFirst().orElseThrow();
        assertThat(orderDocument.since()).isEqualTo("committed");
        assertThat(orderDocument.durationMs()).isEqualTo(305);
        LineageHop sagaDocument = lineage.hops().stream().filter(h -> "saga document".equals(h.messageType())).findFirst().orElseThrow();
        assertThat(sagaDocument.durationMs()).isNull();
    }

    @Test
    void aMessageSetAsideAndRedrivenShowsBothWithTheConsumerAndTheError() {
        List<Message> unpublishedReply = List.of(
            new Message(PLACED, "OrderPlaced", "order.events", 1, "request-9", at(0), at(10), 3, 41L),
            new Message(DEBIT, "DebitPayment", "payment.requests", 1, PLACED, at(20), at(30), 3, 7L),
            new Message(DEBITED, "PaymentDebited", "payment.replies", 1, DEBIT, at(50), null, null, null));
        OrderLineage lineage = OrderLineage.assemble(paid(unpublishedReply,
            List.of(new DeadLetter("dl-1", "payment", DEBIT, "payment.requests", 3, 7, "boom", 5, at(2_000), at(9_000)))));

        LineageHop parked = only(lineage, Kind.DEAD_LETTERED);
        assertThat(parked.consumer()).isEqualTo("payment");
        assertThat(parked.attempt()).isEqualTo(5);
        assertThat(parked.detail()).isEqualTo("boom");
        assertThat(parked.messageType()).isEqualTo("DebitPayment");
        assertThat(parked.durationMs()).isEqualTo(1_970);
        LineageHop redriven = only(lineage, Kind.REDRIVEN);
        assertThat(redriven.durationMs()).isEqualTo(7_000);
        assertThat(redriven.detail()).isEqualTo("dead letter dl-1");
        LineageHop pending = only(lineage, Kind.PENDING_PUBLISH);
        assertThat(pending.messageType()).isEqualTo("PaymentDebited");
        assertThat(pending.durationMs()).isNull();
        assertThat(lineage.hops()).extracting(LineageHop::at).isSorted();
    }

    private static LineageHop only(OrderLineage lineage, Kind kind) {
        List<LineageHop> found = lineage.hops().stream().filter(h -> h.kind() == kind).toList();
        assertThat(found).hasSize(1);
        return found.get(0);
    }
}
