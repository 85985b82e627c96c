package io.sagaway.saga;

import io.sagaway.messaging.Envelope;
import io.sagaway.messaging.PoisonMessageException;
import io.sagaway.messaging.TopicNames;
import io.sagaway.outbox.OutboxMessage;
import io.sagaway.participant.Request;
import io.sagaway.saga.domain.SagaDefinition;
import io.sagaway.saga.domain.SagaEffect;
import io.sagaway.saga.domain.SagaInput;
import io.sagaway.saga.domain.SagaState;

import java.time.Instant;

/**
 * How the orchestrator talks to participants, read off {@link SagaDefinition}: the message a step
 * request is, and the input a reply is. Nothing here knows a step.
 */
final class StepMessages {

    private StepMessages() {
    }

    /**
     * The outbox message of a step request: the row's request, on its topic, with the attempt and the step behind the request's fields,
     * continuing the trace of {@code traceparent}.
     */
    static OutboxMessage request(TopicNames topics, SagaEffect.SendStepRequest send, SagaState saga, String causationId, Instant at,
                                 String traceparent) {
        SagaDefinition.StepDefinition<?> step = SagaDefinition.of(send.step());
        Request request = step.request(saga, send.compensation());
        return new OutboxMessage(step.requestTopic().apply(topics), new Envelope(send.requestId().toString(), request.type(), "Saga",
            saga.orderId(), saga.version(), saga.orderId(), causationId, at,
            request.payload().put("attempt", send.attempt()).put("step", send.step().name())), traceparent);
    }

    /** The saga input a participant's reply stands for. */
    static SagaInput toInput(Envelope reply) {
        return SagaDefinition.forReply(reply.type())
            .orElseThrow(() -> new PoisonMessageException("the order saga does not know replies of type " + reply.type()))
            .input(reply);
    }
}
