import { useState } from 'react';
import { ORDER_AT_VERSION, ORDER_DETAIL, ORDER_UPDATES } from '../api/documents';
import type { Order, OrderEvent, SagaStatus } from '../api/types';
import { LineageView } from '../components/LineageView';
import { Empty, ErrorState, Loading } from '../components/States';
import { StatusBadge } from '../components/StatusBadge';
import { formatTime } from '../domain/sagas';
import { href } from '../routing/router';
import { useQuery, useSubscription } from '../session/hooks';

interface Detail {
  order: Order | null;
  orderEvents: OrderEvent[];
  sagaForOrder: { id: string; status: SagaStatus } | null;
}

/** One order from the event store: its state now, its events with payloads, and its state at any version. */
export function OrderDetail({ id }: { id: string }) {
  const detail = useQuery<Detail>(ORDER_DETAIL, { id });
  // The version the point-in-time view shows; null follows the latest.
  const [version, setVersion] = useState<number | null>(null);
  // Each update of the order reads it again, and its lineage with it.
  const [updates, setUpdates] = useState(0);
  useSubscription<{ orderStatusChanged: { version: number } }>(ORDER_UPDATES, { orderId: id }, () => {
    detail.reload();
    setUpdates((n) => n + 1);
  });

  if (detail.error && !detail.data) return <ErrorState error={detail.error} onRetry={detail.reload} />;
  if (!detail.data) return <Loading what="the order" />;
  const { order, orderEvents, sagaForOrder } = detail.data;
  if (!order) return <Empty>No order has the id {id}.</Empty>;
  const latest = orderEvents.length ? orderEvents[orderEvents.length - 1].version : order.version;
  const shown = version === null ? latest : Math.min(version, latest);

  return (
    <section aria-labelledby="order-title" className="order-detail">
      <h1 id="order-title">
        Order <code>{order.id}</code> <StatusBadge status={order.status} />
      </h1>
      <div className="columns">
        <div>
          <h2>Now (version {order.version})</h2>
          <OrderFacts order={order} />
          {sagaForOrder && (
            <p>
              Saga: <a href={href({ page: 'saga', id: sagaForOrder.id })}>{sagaForOrder.id}</a> <StatusBadge status={sagaForOrder.status} />
            </p>
          )}
        </div>
        <PointInTime orderId={order.id} version={shown} latest={latest} onChange={setVersion} />
      </div>

      <h2 id="lineage-title">Lineage</h2>
      <LineageView orderId={order.id} reloadKey={updates} />

      <h2>Events</h2>
      <ol className="events">
        {orderEvents.map((event) => (
          <li key={event.version} className={event.version <= shown ? 'event applied' : 'event later'} data-version={event.version}>
            <header>
              <span className="event-version">v{event.version}</span> <strong>{event.type}</strong>{' '}
              <time dateTime={event.occurredAt}>{formatTime(event.occurredAt)}</time>{' '}
              <button type="button" className="link-button" onClick={() => setVersion(event.version)} aria-label={`Show the order at version ${event.version}`}>
                state at v{event.version}
              </button>
            </header>
            <details>
              <summary>Payload</summary>
              <pre>{JSON.stringify(event.data, null, 2)}</pre>
            </details>
          </li>
        ))}
      </ol>
    </section>
  );
}

function PointInTime({ orderId, version, latest, onChange }: { orderId: string; version: number; latest: number; onChange: (v: number) => void }) {
  const state = useQuery<{ orderAtVersion: Order | null }>(ORDER_AT_VERSION, { id: orderId, version });
  return (
    <div className="point-in-time" aria-labelledby="pit-title">
      <h2 id="pit-title">Point in time</h2>
      <div className="stepper">
        <button type="button" onClick={() => onChange(Math.max(1, version - 1))} disabled={version <= 1}>
          Previous version
        </button>
        <label>
          Version
          <input type="range" min={1} max={latest} value={version} onChange={(e) => onChange(Number(e.target.value))}
            aria-valuetext={`version ${version} of ${latest}`} />
        </label>
        <output aria-live="polite" data-testid="pit-version">
          v{version} of {latest}
        </output>
        <button type="button" onClick={() => onChange(Math.min(latest, version + 1))} disabled={version >= latest}>
          Next version
        </button>
      </div>
      {state.error && <ErrorState error={state.error} onRetry={state.reload} />}
      {state.data?.orderAtVersion ? (
        <div data-testid="pit-state" aria-busy={state.loading}>
          <p>
            Status at v{state.data.orderAtVersion.version}: <StatusBadge status={state.data.orderAtVersion.status} />
          </p>
          <OrderFacts order={state.data.orderAtVersion} />
        </div>
      ) : (
        !state.error && <Loading what={`version ${version}`} />
      )}
    </div>
  );
}

function OrderFacts({ order }: { order: Order }) {
  return (
    <dl className="facts">
      <dt>Customer</dt>
      <dd>{order.customerId}</dd>
      <dt>Total</dt>
      <dd>
        {order.totalAmount} {order.currency}
      </dd>
      <dt>Items</dt>
      <dd>{order.items.map((i) => `${i.quantity} × ${i.sku} @ ${i.unitPrice}`).join(', ')}</dd>
      <dt>Ship to</dt>
      <dd>
        {order.shippingAddress.line1}, {order.shippingAddress.postalCode} {order.shippingAddress.city}, {order.shippingAddress.country}
      </dd>
      <dt>Tracking</dt>
      <dd>{order.trackingNumber ?? '—'}</dd>
      <dt>Failure</dt>
      <dd>{order.failureReason ?? '—'}</dd>
      <dt>Updated</dt>
      <dd>{formatTime(order.updatedAt)}</dd>
    </dl>
  );
}
