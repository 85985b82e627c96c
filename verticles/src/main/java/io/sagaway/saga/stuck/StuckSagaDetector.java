package io.sagaway.saga.stuck;

import io.sagaway.messaging.TopicNames;
import io.sagaway.participant.inventory.InventoryParticipant;
import io.sagaway.participant.payment.PaymentParticipant;
import io.sagaway.participant.shipping.ShippingParticipant;
import io.sagaway.saga.SagaOrchestrator;
import io.sagaway.saga.SagaStore;
import io.sagaway.saga.domain.SagaState;
import io.sagaway.saga.domain.SagaStepName;
import io.sagaway.saga.domain.StepState;
import io.sagaway.saga.domain.TimelineEntry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.kafka.admin.ConsumerGroupDescription;
import io.vertx.kafka.admin.KafkaAdminClient;
import io.vertx.kafka.admin.ListOffsetsResultInfo;
import io.vertx.kafka.admin.OffsetSpec;
import io.vertx.kafka.client.common.TopicPartition;
import io.vertx.kafka.client.consumer.OffsetAndMetadata;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Finds the sagas in flight that are not moving and names why ({@link StuckRules}), from what the
 * platform stores: the sagas and their timelines, their messages in the outbox and whether their
 * consumers processed them, dead letters, and the consumer groups' positions in Kafka. Only the
 * sagas in flight are read (through the status index), at most {@link #MAX_IN_FLIGHT} of them,
 * oldest first.
 */
public final class StuckSagaDetector {

    /** The sagas in flight examined per run, oldest first: more than a backlog an operator reads through. */
    static final int MAX_IN_FLIGHT = 5_000;
    /** Completed sagas a step's usual latency is taken over, newest first. */
    private static final int USUAL_OVER = 200;
    private static final Duration USUAL_FOR = Duration.ofSeconds(30);

    /** Where a step's messages go and who reads them. */
    private record Route(String requestTopic, String participant, String replyTopic, String orchestrator) {
    }

    private final Pool pool;
    private final KafkaAdminClient admin;
    private final Map<SagaStepName, Route> routes = new EnumMap<>(SagaStepName.class);
    private Map<String, Long> usual = Map.of();
    private long usualAt;

    public StuckSagaDetector(Pool pool, KafkaAdminClient admin, TopicNames topics) {
        this.pool = pool;
        this.admin = admin;
        String orchestrator = topics.consumer(SagaOrchestrator.CONSUMER);
        routes.put(SagaStepName.PAYMENT, new Route(topics.paymentRequests(), topics.consumer(PaymentParticipant.NAME),
            topics.paymentReplies(), orchestrator));
        routes.put(SagaStepName.INVENTORY, new Route(topics.inventoryRequests(), topics.consumer(InventoryParticipant.NAME),
            topics.inventoryReplies(), orchestrator));
        routes.put(SagaStepName.SHIPPING, new Route(topics.shippingRequests(), topics.consumer(ShippingParticipant.NAME),
            topics.shippingReplies(), orchestrator));
    }

    /** The stuck sagas, longest waiting first. */
    public Future<List<StuckSaga>> detect(Duration stalledFor) {
        Instant now = Instant.now();
        return Future.all(inFlight(), usualLatencies()).compose(read -> {
            List<InFlight> sagas = read.resultAt(0);
            if (sagas.isEmpty()) {
                return Future.succeededFuture(List.<StuckSaga>of());
            }
            Map<String, Long> usualMs = read.resultAt(1);
            List<String> orderIds = sagas.stream().map(s -> s.saga().orderId()).toList();
            // Only the sagas that may be stuck need their messages looked at.
            List<InFlight> candidates = sagas.stream().filter(s -> s.saga().flagged()
                || Duration.between(StuckRules.waitingSince(s.saga(), s.timeline()), now).compareTo(stalledFor) >= 0).toList();
            Future<Map<String, Evidence.Parked>> parked = parked(orderIds);
            Future<Map<String, Map<String, Evidence.Sent>>> sent = sent(candidates);
            return Future.all(parked, sent).compose(v -> lags(candidates, sent.result())).map(lags -> {
                List<StuckSaga> stuck = new ArrayList<>();
                for (InFlight s : sagas) {
                    String orderId = s.saga().orderId();
                    Map<String, Evidence.Sent> messages = sent.result().getOrDefault(orderId, Map.of());
                    Optional<Route> route = route(s.saga());
                    Optional<Evidence.Sent> request = route.map(r -> messages.get(r.requestTopic()));
                    Optional<Evidence.Sent> reply = route.map(r -> messages.get(r.replyTopic()));
                    Evidence evidence = new Evidence(Optional.ofNullable(parked.result().get(orderId)), request, reply,
                        Optional.ofNullable(lags.get(orderId)));
                    StuckRules.classify(s.saga(), s.timeline(), evidence, now, stalledFor, usualMs).ifPresent(stuck::add);
                }
                stuck.sort((a, b) -> a.waitingSince().compareTo(b.waitingSince()));
                return stuck;
            });
        });
    }

    private record InFlight(SagaState saga, List<TimelineEntry> timeline) {
    }

    private Future<List<InFlight>> inFlight() {
        return pool.preparedQuery("""
                SELECT state::text AS state, timeline::text AS timeline FROM sagas
                WHERE status IN ('RUNNING', 'COMPENSATING') ORDER BY started_at LIMIT $1""")
            .execute(Tuple.of(MAX_IN_FLIGHT))
            .map(rows -> {
                List<InFlight> sagas = new ArrayList<>(rows.size());
                for (Row row : rows) {
                    sagas.add(new InFlight(SagaStore.state(row), SagaStore.entries(new JsonArray(row.getString("timeline")))));
                }
                return sagas;
            });
    }

    /** Each step's median duration over recently completed sagas, read at most every {@link #USUAL_FOR}. */
    private Future<Map<String, Long>> usualLatencies() {
        if (System.nanoTime() - usualAt < USUAL_FOR.toNanos() && !usual.isEmpty()) {
            return Future.succeededFuture(usual);
        }
        return pool.preparedQuery("""
                SELECT s->>'name' AS step,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ((s->>'finishedAt')::timestamptz
                           - (s->>'startedAt')::timestamptz)) * 1000) AS median_ms
                FROM (SELECT state FROM sagas WHERE status = 'COMPLETED' ORDER BY updated_at DESC LIMIT $1) AS recent,
                     jsonb_array_elements(recent.state->'steps') AS s
                WHERE s->>'status' = 'SUCCEEDED' AND s->>'startedAt' IS NOT NULL AND s->>'finishedAt' IS NOT NULL
                GROUP BY 1""")
            .execute(Tuple.of(USUAL_OVER))
            .map(rows -> {
                Map<String, Long> byStep = new HashMap<>();
                rows.forEach(row -> byStep.put(row.getString("step"), Math.round(row.getDouble("median_ms"))));
                usual = byStep;
                usualAt = System.nanoTime();
                return byStep;
            });
    }

    /** The newest dead letter, not redriven, of each order that has one. */
    private Future<Map<String, Evidence.Parked>> parked(List<String> orderIds) {
        return pool.preparedQuery("""
                SELECT DISTINCT ON (record_key) record_key, id, consumer, record_value, error, attempts FROM dead_letters
                WHERE record_key = ANY($1) AND redriven_at IS NULL ORDER BY record_key, first_failed_at DESC""")
            .execute(Tuple.of((Object) orderIds.toArray(String[]::new)))
            .map(rows -> {
                Map<String, Evidence.Parked> byOrder = new HashMap<>();
                for (Row row : rows) {
                    byOrder.put(row.getString("record_key"), new Evidence.Parked(row.getUUID("id").toString(), row.getString("consumer"),
                        typeOf(row.getString("record_value")), row.getString("error"), row.getInteger("attempts")));
                }
                return byOrder;
            });
    }

    /** A parked record's message type, or what it is when it cannot be read. */
    private static String typeOf(String value) {
        try {
            String type = new JsonObject(value).getString("type");
            return type == null ? "message" : type;
        } catch (RuntimeException e) {
            return "unreadable message";
        }
    }

    /**
     * For each candidate, the newest message on its current step's request and reply topics, with
     * whether it was published and whether the group that reads it processed it.
     */
    private Future<Map<String, Map<String, Evidence.Sent>>> sent(List<InFlight> candidates) {
        List<String> orders = new ArrayList<>();
        List<String> topics = new ArrayList<>();
        List<String> consumers = new ArrayList<>();
        for (InFlight s : candidates) {
            route(s.saga()).ifPresent(r -> {
                orders.add(s.saga().orderId());
                topics.add(r.requestTopic());
                consumers.add(r.participant());
                orders.add(s.saga().orderId());
                topics.add(r.replyTopic());
                consumers.add(r.orchestrator());
            });
        }
        if (orders.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        return pool.preparedQuery("""
                SELECT w.order_id, w.topic, w.consumer, o.id, o.type, o.position, o.published_at IS NOT NULL AS published,
                       o.kafka_partition, o.kafka_offset,
                       EXISTS (SELECT 1 FROM processed_messages p WHERE p.consumer = w.consumer AND p.message_id = o.id) AS consumed
                FROM unnest($1::text[], $2::text[], $3::text[]) AS w(order_id, topic, consumer)
                CROSS JOIN LATERAL (SELECT id, type, position, published_at, kafka_partition, kafka_offset FROM outbox
                                    WHERE aggregateid = w.order_id AND topic = w.topic ORDER BY position DESC LIMIT 1) AS o""")
            .execute(Tuple.of(orders.toArray(String[]::new), topics.toArray(String[]::new), consumers.toArray(String[]::new)))
            .map(rows -> {
                Map<String, Map<String, Evidence.Sent>> byOrder = new HashMap<>();
                for (Row row : rows) {
                    byOrder.computeIfAbsent(row.getString("order_id"), k -> new HashMap<>()).put(row.getString("topic"),
                        new Evidence.Sent(row.getUUID("id").toString(), row.getString("type"), row.getString("topic"), row.getString("consumer"),
                            row.getLong("position"), row.getBoolean("published"), row.getInteger("kafka_partition"), row.getLong("kafka_offset"),
                            row.getBoolean("consumed")));
                }
                return byOrder;
            });
    }

    /**
     * Where the group that must read each candidate's waited-on message stands on that message's
     * partition: its live members, its committed offset, and the partition's end. One request per
     * group and one for the partitions' ends, whatever the number of sagas.
     */
    private Future<Map<String, Evidence.PartitionLag>> lags(List<InFlight> candidates, Map<String, Map<String, Evidence.Sent>> sent) {
        Map<String, Evidence.Sent> unread = new HashMap<>();
        for (InFlight s : candidates) {
            Map<String, Evidence.Sent> messages = sent.getOrDefault(s.saga().orderId(), Map.of());
            route(s.saga()).flatMap(r -> StuckRules.waitedOn(Optional.ofNullable(messages.get(r.requestTopic())),
                    Optional.ofNullable(messages.get(r.replyTopic()))))
                .filter(next -> next.partition() != null)
                .ifPresent(next -> unread.put(s.saga().orderId(), next));
        }
        if (unread.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        Set<String> groups = new LinkedHashSet<>();
        Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
        unread.values().forEach(m -> {
            groups.add(m.consumer());
            ends.put(new TopicPartition(m.topic(), m.partition()), OffsetSpec.LATEST);
        });
        Map<String, Future<Map<TopicPartition, OffsetAndMetadata>>> committed = new HashMap<>();
        groups.forEach(g -> committed.put(g, admin.listConsumerGroupOffsets(g)));
        Future<Map<String, ConsumerGroupDescription>> described = admin.describeConsumerGroups(new ArrayList<>(groups));
        Future<Map<TopicPartition, ListOffsetsResultInfo>> endOffsets = admin.listOffsets(ends);
        List<Future<?>> all = new ArrayList<>(committed.values());
        all.add(described);
        all.add(endOffsets);
        // Without Kafka's answer the sagas are still classified, from PostgreSQL alone.
        return Future.all(all).<Map<String, Evidence.PartitionLag>>map(v -> {
            Map<String, Evidence.PartitionLag> byOrder = new HashMap<>();
            unread.forEach((orderId, m) -> {
                TopicPartition tp = new TopicPartition(m.topic(), m.partition());
                OffsetAndMetadata at = committed.get(m.consumer()).result().get(tp);
                ConsumerGroupDescription group = described.result().get(m.consumer());
                ListOffsetsResultInfo end = endOffsets.result().get(tp);
                byOrder.put(orderId, new Evidence.PartitionLag(m.consumer(), m.topic(), m.partition(),
                    group == null || group.getMembers() == null ? 0 : group.getMembers().size(), at == null ? -1 : at.getOffset(),
                    end == null ? 0 : end.getOffset()));
            });
            return byOrder;
        }).recover(e -> Future.succeededFuture(Map.of()));
    }

    /** The route of the saga's current step: the step running or compensating. */
    private Optional<Route> route(SagaState saga) {
        return StuckRules.currentStep(saga).map(StepState::name).or(() -> Optional.ofNullable(saga.currentStep())).map(routes::get);
    }
}
