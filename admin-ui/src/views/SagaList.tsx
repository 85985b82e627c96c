import { useEffect, useRef, useState } from 'react';
import { SAGA_UPDATES, SAGAS } from '../api/documents';
import { SAGA_STATUSES, STEP_NAMES, type Connection, type Saga, type SagaStatus, type SagaStepName, type SagaSummary } from '../api/types';
import { Pager, useCursorPages } from '../components/Pager';
import { Empty, ErrorState, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { applyUpdate, attentionReason, formatTime, newer, NO_FILTER, short, toGraphQLFilter, type SagaFilterState } from '../domain/sagas';
import { href } from '../routing/router';
import { useQuery, useSubscription } from '../session/hooks';
import { StuckSagas } from './StuckSagas';
import { useApi } from '../session/SessionContext';

const PAGE_SIZE = 20;
const RELOAD_MS = 10_000;
const LIVE_KEPT = 500;

/** The sagas: every one, or the stuck ones grouped by why. */
export function SagaList({ view }: { view: 'all' | 'stuck' }) {
  return (
    <section aria-labelledby="sagas-title">
      <h1 id="sagas-title">Sagas</h1>
      <nav className="view-tabs" aria-label="Saga views">
        <a href={href({ page: 'sagas' })} aria-current={view === 'all' ? 'page' : undefined}>All sagas</a>
        <a href={href({ page: 'stuck' })} aria-current={view === 'stuck' ? 'page' : undefined}>Stuck</a>
      </nav>
      {view === 'all' ? <AllSagas /> : <StuckSagas />}
    </section>
  );
}

/** Every saga, newest change first, live: new sagas appear and statuses change as they happen. */
function AllSagas() {
  const [filter, setFilter] = useState<SagaFilterState>(NO_FILTER);
  const [orderSearch, setOrderSearch] = useState('');
  const pages = useCursorPages();
  const after = pages.after;
  // Live updates keep the rows current; a periodic reload also catches what a search ran too early
  // to see (the read model shows a change within a second) and anything missed while the socket was down.
  const page = useQuery<{ sagas: Connection<SagaSummary> }>(SAGAS, { filter: toGraphQLFilter(filter), first: PAGE_SIZE, after },
    { pollMs: RELOAD_MS });
  const { link } = useApi();
  const wasConnected = useRef(link === 'connected');
  useEffect(() => {
    if (link === 'connected' && !wasConnected.current) {
      page.reload();
    }
    wasConnected.current = link === 'connected';
  }, [link, page.reload]);
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 5_000);
    return () => clearInterval(timer);
  }, []);

  // The latest live state of recently changed sagas: a reload from the read model, which may lag
  // a little behind the subscription, never takes a row back to an older state.
  const live = useRef(new Map<string, SagaSummary>());
  useSubscription<{ sagaUpdated: Saga }>(SAGA_UPDATES, {}, ({ sagaUpdated }) => {
    live.current.set(sagaUpdated.id, sagaUpdated);
    if (live.current.size > LIVE_KEPT) {
      live.current.delete(live.current.keys().next().value as string);
    }
    page.setData((current) => {
      if (!current) return current;
      const nodes = applyUpdate(current.sagas.edges.map((e) => e.node), sagaUpdated, filter, after === null, Date.now());
      const cursorOf = new Map(current.sagas.edges.map((e) => [e.node.id, e.cursor]));
      const added = nodes.length - current.sagas.edges.length;
      return {
        sagas: {
          ...current.sagas,
          totalCount: current.sagas.totalCount + added,
          edges: nodes.map((node) => ({ node, cursor: cursorOf.get(node.id) ?? '' })),
        },
      };
    });
  });

  function change(update: Partial<SagaFilterState>) {
    setFilter((f) => ({ ...f, ...update }));
    pages.reset();
  }

  const connection = page.data?.sagas;
  return (
    <>
      <form className="filters" role="search" aria-label="Filter sagas" onSubmit={(e) => {
        e.preventDefault();
        change({ orderId: orderSearch });
      }}>
        <fieldset>
          <legend>Status</legend>
          {SAGA_STATUSES.map((status) => (
            <label key={status} className="check">
              <input type="checkbox" checked={filter.statuses.includes(status)}
                onChange={(e) => change({ statuses: toggle(filter.statuses, status, e.target.checked) })} />
              {status}
            </label>
          ))}
        </fieldset>
        <label>
          Failed step
          <select value={filter.failedStep ?? ''} onChange={(e) => change({ failedStep: (e.target.value || null) as SagaStepName | null })}>
            <option value="">any</option>
            {STEP_NAMES.map((step) => (
              <option key={step} value={step}>{step}</option>
            ))}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={filter.stalledOnly} onChange={(e) => change({ stalledOnly: e.target.checked })} />
          Only sagas making no progress
        </label>
        <label>
          Order id
          <input type="search" value={orderSearch} placeholder="exact order id" onChange={(e) => setOrderSearch(e.target.value)} />
        </label>
        <button type="submit">Search</button>
        {(orderSearch || filter !== NO_FILTER) && (
          <button type="button" onClick={() => {
            setOrderSearch('');
            setFilter(NO_FILTER);
            pages.reset();
          }}>
            Clear
          </button>
        )}
      </form>

      {page.error && <ErrorState error={page.error} onRetry={page.reload} />}
      {!connection && !page.error && <Loading what="sagas" />}
      {connection && connection.edges.length === 0 && <Empty>No saga matches these filters.</Empty>}
      {connection && connection.edges.length > 0 && (
        <>
          <p className="count" aria-live="polite">
            {connection.totalCount.toLocaleString()} sagas{page.loading ? ' (refreshing…)' : ''}
          </p>
          <div className="table-scroll">
            <table className="sagas">
              <thead>
                <tr>
                  <th scope="col">Saga</th>
                  <th scope="col">Order</th>
                  <th scope="col">Status</th>
                  <th scope="col">Step</th>
                  <th scope="col">Updated</th>
                  <th scope="col">Attention</th>
                </tr>
              </thead>
              <tbody>
                {connection.edges.map(({ node: shown }) => {
                  const node = newer(live.current.get(shown.id), shown);
                  const reason = attentionReason(node, now);
                  return (
                    <tr key={node.id} className={reason ? 'attention' : undefined} data-saga-id={node.id} data-order-id={node.orderId}>
                      <td><a href={href({ page: 'saga', id: node.id })} aria-label={`Saga ${node.id}`}>{short(node.id)}</a></td>
                      <td><a href={href({ page: 'order', id: node.orderId })} aria-label={`Order ${node.orderId}`}>{short(node.orderId)}</a></td>
                      <td><StatusBadge status={node.status} /></td>
                      <td>{node.failedStep ? `failed at ${node.failedStep}` : (node.currentStep ?? '—')}</td>
                      <td>{formatTime(node.updatedAt)}</td>
                      <td>{reason && <span className="reason">{reason}</span>}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <Pager label="Pages of sagas" pages={pages} pageInfo={connection.pageInfo} />
        </>
      )}
    </>
  );
}

function toggle(statuses: SagaStatus[], status: SagaStatus, on: boolean): SagaStatus[] {
  return on ? [...statuses, status] : statuses.filter((s) => s !== status);
}
