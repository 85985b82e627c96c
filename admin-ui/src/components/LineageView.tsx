import { useEffect } from 'react';
import { ORDER_LINEAGE } from '../api/documents';
import type { OrderLineage } from '../api/types';
import { describeHop, formatDuration, LANES, placeHops } from '../domain/lineage';
import { formatTime } from '../domain/sagas';
import { useQuery } from '../session/hooks';
import { Empty, ErrorState, Loading } from './States';

/**
 * One order's path through the platform as the API reads it from stored data: a horizontal
 * timeline of its hops by lane, each as long as it took, the slowest highlighted, and every hop
 * listed with where it happened (topic, partition, offset, consumer, attempt). Read again when
 * {@code reloadKey} changes (the order moved on).
 */
export function LineageView({ orderId, reloadKey }: { orderId: string; reloadKey: number }) {
  const lineage = useQuery<{ orderLineage: OrderLineage | null }>(ORDER_LINEAGE, { id: orderId });
  const { reload } = lineage;
  useEffect(() => {
    if (reloadKey > 0) reload();
  }, [reloadKey, reload]);

  if (lineage.error && !lineage.data) return <ErrorState error={lineage.error} onRetry={lineage.reload} />;
  if (!lineage.data) return <Loading what="the lineage" />;
  const found = lineage.data.orderLineage;
  if (!found || found.hops.length === 0) return <Empty>No lineage is stored for this order.</Empty>;
  const timeline = placeHops(found.hops, found.slowestHop);
  const slowest = timeline.hops.find((p) => p.slowest);

  return (
    <div className="lineage" aria-busy={lineage.loading}>
      <p className="lineage-summary">
        {found.hops.length} hops over {formatDuration(timeline.totalMs)}.{' '}
        {slowest && (
          <span data-testid="slowest-hop">
            Slowest hop: <strong>{describeHop(slowest.hop)}</strong>, {formatDuration(slowest.hop.durationMs)} since {slowest.hop.since}.
          </span>
        )}{' '}
        <button type="button" className="link-button" onClick={lineage.reload}>
          Refresh
        </button>
      </p>
      {found.traceId && (
        <p className="lineage-trace">
          Trace <code>{found.traceId}</code>
          {found.traceUrl && (
            <>
              {' '}
              <a href={found.traceUrl} target="_blank" rel="noreferrer">Open the trace</a>
            </>
          )}
        </p>
      )}
      <div className="lineage-timeline" role="img"
        aria-label={`Timeline of ${found.hops.length} hops over ${formatDuration(timeline.totalMs)}${slowest ? `; slowest: ${describeHop(slowest.hop)}` : ''}`}>
        {LANES.map((lane) => (
          <div className="lineage-lane" key={lane}>
            <span className="lineage-lane-name">{lane}</span>
            <div className="lineage-track">
              {timeline.hops
                .filter((p) => p.lane === lane)
                .map((p, i) => (
                  <span key={i} className={`lineage-bar lineage-${p.hop.kind.toLowerCase()}${p.slowest ? ' slowest' : ''}`}
                    style={{ left: `${p.from * 100}%`, width: `${Math.max(0, (p.to - p.from) * 100)}%` }}
                    title={`${describeHop(p.hop)}: ${formatDuration(p.hop.durationMs)}`} />
                ))}
            </div>
          </div>
        ))}
        <div className="chart-scale lineage-scale">
          <span>{formatTime(new Date(timeline.start).toISOString())}</span>
          <span>+{formatDuration(timeline.totalMs)}</span>
        </div>
      </div>
      <table className="lineage-hops">
        <thead>
          <tr>
            <th scope="col">At</th>
            <th scope="col">Hop</th>
            <th scope="col">Took</th>
            <th scope="col">Since</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {timeline.hops.map((p, i) => (
            <tr key={i} data-kind={p.hop.kind} className={p.slowest ? 'slowest' : undefined}>
              <td>
                <time dateTime={p.hop.at} title={p.hop.at}>+{formatDuration(Date.parse(p.hop.at) - timeline.start)}</time>
              </td>
              <td>
                {describeHop(p.hop)}
                {p.slowest && <span className="badge badge-failed lineage-slowest-badge">slowest</span>}
              </td>
              <td>{formatDuration(p.hop.durationMs)}</td>
              <td>{p.hop.since ?? '—'}</td>
              <td className="lineage-detail">{p.hop.detail ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
