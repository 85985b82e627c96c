import { CANCEL_ORDER, REDRIVE, RETRY_SAGA, STUCK_SAGAS } from '../api/documents';
import type { StuckSaga, StuckSagas as StuckSagasData } from '../api/types';
import { ConfirmButton } from '../components/ConfirmButton';
import { Empty, ErrorState, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { formatDuration } from '../domain/lineage';
import { short } from '../domain/sagas';
import { groupByReason } from '../domain/stuck';
import { href } from '../routing/router';
import { useMutation, useQuery } from '../session/hooks';

const STALLED_FOR_SECONDS = 10;
const RELOAD_MS = 5_000;

/** The sagas in flight that are not moving, grouped by why, each with the action that fits. */
export function StuckSagas() {
  const query = useQuery<{ stuckSagas: StuckSagasData }>(STUCK_SAGAS, { stalledForSeconds: STALLED_FOR_SECONDS }, { pollMs: RELOAD_MS });
  if (query.error && !query.data) return <ErrorState error={query.error} onRetry={query.reload} />;
  if (!query.data) return <Loading what="stuck sagas" />;
  const groups = groupByReason(query.data.stuckSagas.sagas);
  return (
    <div className="stuck" aria-busy={query.loading}>
      <p className="hint">
        Sagas in flight whose step has waited {STALLED_FOR_SECONDS} s or more, or that only an operator can move on; read again every{' '}
        {RELOAD_MS / 1000} s.
      </p>
      {groups.length === 0 && <Empty>No saga is stuck. Every saga in flight is moving.</Empty>}
      {groups.map((group) => (
        <section key={group.reason} className="stuck-group" aria-labelledby={`stuck-${group.reason}`} data-reason={group.reason}>
          <h2 id={`stuck-${group.reason}`}>
            {group.title} <span className="badge">{group.sagas.length}</span>
          </h2>
          <p className="hint">{group.help}</p>
          <ul className="stuck-sagas">
            {group.sagas.map((saga) => (
              <StuckRow key={saga.sagaId} saga={saga} onDone={query.reload} />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function StuckRow({ saga, onDone }: { saga: StuckSaga; onDone: () => void }) {
  return (
    <li className="stuck-saga" data-order-id={saga.orderId} data-saga-id={saga.sagaId}>
      <header>
        <a href={href({ page: 'saga', id: saga.sagaId })} aria-label={`Saga ${saga.sagaId}`}>{short(saga.sagaId)}</a>
        {' · order '}
        <a href={href({ page: 'order', id: saga.orderId })} aria-label={`Order ${saga.orderId}`}>{short(saga.orderId)}</a>{' '}
        <StatusBadge status={saga.status} /> {saga.step && <strong>{saga.step}</strong>} · stuck for {formatDuration(saga.waitingSeconds * 1000)}
      </header>
      <p className="stuck-explanation">{saga.explanation}</p>
      <StuckActionButton saga={saga} onDone={onDone} />
    </li>
  );
}

function StuckActionButton({ saga, onDone }: { saga: StuckSaga; onDone: () => void }) {
  const retry = useMutation<{ retrySaga: { status: string } }>(RETRY_SAGA);
  const redrive = useMutation<{ redriveDeadLetter: { topic: string } }>(REDRIVE);
  const cancel = useMutation<{ cancelOrder: { status: string } }>(CANCEL_ORDER);
  switch (saga.action) {
    case 'RETRY':
      return (
        <ConfirmButton label={`Retry ${saga.step ?? 'the step'}`} confirmLabel="Retry"
          question={<p>Retry the current step of saga <code>{saga.sagaId}</code> now?</p>}
          action={async () => {
            const result = await retry.run({ id: saga.sagaId });
            onDone();
            return `Retried: the saga is ${result.retrySaga.status}`;
          }} />
      );
    case 'REDRIVE':
      return (
        <ConfirmButton label="Redrive the parked message" confirmLabel="Redrive" disabled={!saga.deadLetterId}
          question={<p>Put the parked message of order <code>{saga.orderId}</code> back on its topic?</p>}
          action={async () => {
            const result = await redrive.run({ id: saga.deadLetterId });
            onDone();
            return `Redriven to ${result.redriveDeadLetter.topic}`;
          }} />
      );
    case 'CANCEL':
      return (
        <ConfirmButton label="Cancel the order" confirmLabel="Cancel the order"
          question={<p>Cancel order <code>{saga.orderId}</code>? Its completed steps are compensated, in reverse order.</p>}
          action={async () => {
            const result = await cancel.run({ id: saga.orderId, reason: `cancelled by an operator: ${saga.explanation}` });
            onDone();
            return `Cancellation requested: the order is ${result.cancelOrder.status}`;
          }} />
      );
    case 'WAIT':
      return <p className="hint">Nothing to do to the saga: {saga.consumer ?? 'its consumer'} has to catch up (scale it out or restart it).</p>;
  }
}
