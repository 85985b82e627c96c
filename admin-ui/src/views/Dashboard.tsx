import { useEffect, useRef, useState } from 'react';
import { PLATFORM_STATS, SAGA_UPDATES } from '../api/documents';
import type { PlatformStats, Saga, SagaStatus } from '../api/types';
import { BarChart, LineChart, type Point } from '../components/Charts';
import { ErrorState, Loading } from '../components/States';
import { isActive } from '../domain/sagas';
import { href } from '../routing/router';
import { useQuery, useSubscription } from '../session/hooks';

const MINUTES = 30;
const LAG_SAMPLES = 120;

/** Counts by status, orders per minute and projection lag; refreshed every few seconds and on every saga change. */
export function Dashboard() {
  const stats = useQuery<{ platformStats: PlatformStats }>(PLATFORM_STATS, { minutes: MINUTES }, { pollMs: 5_000 });
  const [lag, setLag] = useState<Point[]>([]);
  const refreshSoon = useRef<ReturnType<typeof setTimeout> | null>(null);

  // A burst of saga updates asks for one refresh, not one per update.
  useSubscription<{ sagaUpdated: Saga }>(SAGA_UPDATES, {}, () => {
    if (!refreshSoon.current) {
      refreshSoon.current = setTimeout(() => {
        refreshSoon.current = null;
        stats.reload();
      }, 1_000);
    }
  });
  useEffect(() => () => clearTimeout(refreshSoon.current ?? undefined), []);

  const current = stats.data?.platformStats;
  useEffect(() => {
    if (current) {
      setLag((points) => [...points, { x: Date.now(), y: current.projectionLagMs }].slice(-LAG_SAMPLES));
    }
  }, [current]);

  if (!current) {
    return stats.error ? <ErrorState error={stats.error} onRetry={stats.reload} /> : <Loading what="the dashboard" />;
  }
  const perMinute = current.ordersPerMinute.map((p) => ({ x: Date.parse(p.minute), y: p.count }));
  const lastFull = current.ordersPerMinute.at(-2)?.count ?? 0;
  return (
    <section aria-labelledby="dashboard-title">
      <h1 id="dashboard-title">Dashboard</h1>
      {stats.error && <ErrorState error={stats.error} onRetry={stats.reload} />}
      <div className="cards">
        <div className="card">
          <span className="card-label">Orders</span>
          <strong data-testid="orders-total">{sum(current.ordersByStatus)}</strong>
        </div>
        <div className="card">
          <span className="card-label">Running sagas</span>
          <strong>{sum(current.sagasByStatus.filter((c) => isActive(c.status as SagaStatus)))}</strong>
        </div>
        <a className="card" href={href({ page: 'dead-letters' })}>
          <span className="card-label">Dead letters</span>
          <strong className={current.deadLetterCount > 0 ? 'warn' : undefined}>{current.deadLetterCount}</strong>
        </a>
        <div className="card">
          <span className="card-label">Projection lag</span>
          <strong>{Math.round(current.projectionLagMs)} ms</strong>
        </div>
      </div>
      <div className="charts">
        <BarChart title="Orders by status" bars={current.ordersByStatus.map((c) => ({ label: c.status, value: c.count }))} />
        <BarChart title="Sagas by status" bars={current.sagasByStatus.map((c) => ({ label: c.status, value: c.count }))} />
        <LineChart title={`Orders per minute, last ${MINUTES} minutes`} points={perMinute} unit="orders/min" latest={`${lastFull}/min`} />
        <LineChart title="Projection lag (since this page opened)" points={lag} unit="ms" latest={`${Math.round(current.projectionLagMs)} ms`} />
      </div>
    </section>
  );
}

function sum(counts: { count: number }[]): number {
  return counts.reduce((total, c) => total + c.count, 0);
}
