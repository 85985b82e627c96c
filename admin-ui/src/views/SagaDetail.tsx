import { RETRY_SAGA, SAGA, SAGA_UPDATES } from '../api/documents';
import type { Saga } from '../api/types';
import { ConfirmButton } from '../components/ConfirmButton';
import { SequenceDiagram } from '../components/SequenceDiagram';
import { Empty, ErrorState, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { attentionReason, formatTime, isActive, keepLive, newer } from '../domain/sagas';
import { href } from '../routing/router';
import { useMutation, useQuery, useSubscription } from '../session/hooks';

/** One saga: its steps, its timeline drawn as a sequence diagram, live while it runs; retry for operators. */
export function SagaDetail({ id }: { id: string }) {
  const query = useQuery<{ saga: Saga | null }>(SAGA, { id }, {
    merge: (shown, loaded) => ({ saga: keepLive(shown?.saga?.id === id ? shown.saga : null, loaded.saga) }),
  });
  const retry = useMutation<{ retrySaga: Saga }>(RETRY_SAGA);
  useSubscription<{ sagaUpdated: Saga }>(SAGA_UPDATES, { sagaId: id }, ({ sagaUpdated }) =>
    query.setData((current) => ({ saga: newer(current?.saga, sagaUpdated) })),
  );

  if (query.error && !query.data) return <ErrorState error={query.error} onRetry={query.reload} />;
  if (!query.data) return <Loading what="the saga" />;
  const saga = query.data.saga;
  if (!saga) return <Empty>No saga has the id {id}.</Empty>;
  const reason = attentionReason(saga, Date.now());
  return (
    <section aria-labelledby="saga-title" className="saga-detail">
      <h1 id="saga-title">
        Saga <code>{saga.id}</code> <StatusBadge status={saga.status} />
      </h1>
      <dl className="facts">
        <dt>Order</dt>
        <dd><a href={href({ page: 'order', id: saga.orderId })}>{saga.orderId}</a></dd>
        <dt>Current step</dt>
        <dd>{saga.currentStep ?? '—'}</dd>
        <dt>Failed step</dt>
        <dd>{saga.failedStep ?? '—'}</dd>
        <dt>Failure</dt>
        <dd>{saga.failureReason ?? '—'}</dd>
        <dt>Started</dt>
        <dd>{formatTime(saga.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(saga.finishedAt)}</dd>
        {saga.cancelRequested && (
          <>
            <dt>Cancel</dt>
            <dd>requested by the customer or an operator</dd>
          </>
        )}
      </dl>
      {reason && <p className="attention-banner" role="status">{reason}</p>}
      <div className="actions">
        <ConfirmButton label="Retry saga" disabled={!isActive(saga.status)}
          question={<p>Retry the current step ({saga.currentStep ?? 'none'}) of this saga now, without waiting for its next scheduled attempt?</p>}
          action={async () => {
            const result = await retry.run({ id: saga.id });
            query.setData(() => ({ saga: result.retrySaga }));
            return `Retried: the saga is ${result.retrySaga.status}`;
          }} />
      </div>

      <h2>Steps</h2>
      <div className="table-scroll">
        <table className="steps">
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">Status</th>
              <th scope="col">Attempts</th>
              <th scope="col">Started</th>
              <th scope="col">Finished</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {saga.steps.map((step) => (
              <tr key={step.name} data-step={step.name}>
                <th scope="row">{step.name}</th>
                <td><StatusBadge status={step.status} /></td>
                <td className={step.attempts > 1 ? 'warn' : undefined}>{step.attempts}</td>
                <td>{formatTime(step.startedAt)}</td>
                <td>{formatTime(step.finishedAt)}</td>
                <td>{step.error ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      <h2>Timeline</h2>
      {saga.timeline.length === 0 ? <Empty>Nothing has happened yet.</Empty> : <SequenceDiagram timeline={saga.timeline} />}
    </section>
  );
}
