import { DEAD_LETTERS, REDRIVE } from '../api/documents';
import type { Connection, DeadLetter } from '../api/types';
import { ConfirmButton } from '../components/ConfirmButton';
import { Pager, useCursorPages } from '../components/Pager';
import { Empty, ErrorState, Loading } from '../components/States';
import { formatTime } from '../domain/sagas';
import { useMutation, useQuery } from '../session/hooks';

const PAGE_SIZE = 20;

/** Messages set aside after their retries, with their error and payload, and a redrive button each. */
export function DeadLetters() {
  const pages = useCursorPages();
  const page = useQuery<{ deadLetters: Connection<DeadLetter> }>(DEAD_LETTERS, { first: PAGE_SIZE, after: pages.after },
    { pollMs: 10_000 });
  const redrive = useMutation<{ redriveDeadLetter: DeadLetter }>(REDRIVE);
  const connection = page.data?.deadLetters;

  return (
    <section aria-labelledby="dl-title">
      <h1 id="dl-title">Dead letters</h1>
      <p className="hint">
        A message lands here after its retries are used up. Redrive puts it back on its topic once the cause is fixed; its consumer
        processes it idempotently.
      </p>
      {page.error && <ErrorState error={page.error} onRetry={page.reload} />}
      {!connection && !page.error && <Loading what="dead letters" />}
      {connection && connection.edges.length === 0 && <Empty>No dead letters. Every message was processed.</Empty>}
      {connection && connection.edges.length > 0 && (
        <>
          <p className="count">{connection.totalCount.toLocaleString()} dead letters</p>
          <ul className="dead-letters">
            {connection.edges.map(({ node }) => (
              <li key={node.id} className="dead-letter" data-testid="dead-letter" data-key={node.key ?? ''} data-id={node.id}>
                <header>
                  <strong>{node.topic}</strong> key <code>{node.key ?? '—'}</code> · {node.attempts} attempts · first failed{' '}
                  {formatTime(node.firstFailedAt)}
                  {node.redrivenAt && <span className="redriven"> · redriven {formatTime(node.redrivenAt)}</span>}
                </header>
                <p className="error-text">{node.error}</p>
                <details>
                  <summary>Payload</summary>
                  <pre>{typeof node.payload === 'string' ? node.payload : JSON.stringify(node.payload, null, 2)}</pre>
                </details>
                <ConfirmButton label="Redrive" confirmLabel="Redrive"
                  question={<p>Put this message back on <code>{node.topic}</code> for processing?</p>}
                  action={async () => {
                    const result = await redrive.run({ id: node.id });
                    page.reload();
                    return `Redriven to ${result.redriveDeadLetter.topic} at ${formatTime(result.redriveDeadLetter.redrivenAt)}`;
                  }} />
              </li>
            ))}
          </ul>
          <Pager label="Pages of dead letters" pages={pages} pageInfo={connection.pageInfo} />
        </>
      )}
    </section>
  );
}
