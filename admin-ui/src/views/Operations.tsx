import { useState } from 'react';
import { ADJUST_STOCK, CREDIT_ACCOUNT, REBUILD, REBUILD_STATUS } from '../api/documents';
import type { Account, ReadModelRebuild, StockLevel } from '../api/types';
import { ConfirmButton } from '../components/ConfirmButton';
import { ErrorState } from '../components/States';
import { useMutation, useQuery } from '../session/hooks';

/** Operator actions on the platform: stock, accounts, and the read model. */
export function Operations() {
  return (
    <section aria-labelledby="ops-title">
      <h1 id="ops-title">Operations</h1>
      <div className="panels">
        <AdjustStock />
        <CreditAccount />
        <Rebuild />
      </div>
    </section>
  );
}

function AdjustStock() {
  const [sku, setSku] = useState('SKU-1');
  const [delta, setDelta] = useState('10');
  const adjust = useMutation<{ adjustStock: StockLevel }>(ADJUST_STOCK);
  const valid = /^[A-Za-z0-9._-]{1,64}$/.test(sku) && /^-?\d+$/.test(delta) && Number(delta) !== 0;
  return (
    <form className="panel" aria-labelledby="stock-title" onSubmit={(e) => e.preventDefault()}>
      <h2 id="stock-title">Adjust stock</h2>
      <label>
        SKU
        <input value={sku} onChange={(e) => setSku(e.target.value)} />
      </label>
      <label>
        Change (negative removes)
        <input inputMode="numeric" value={delta} onChange={(e) => setDelta(e.target.value)} />
      </label>
      <ConfirmButton label="Adjust stock" disabled={!valid}
        question={<p>{Number(delta) >= 0 ? 'Add' : 'Remove'} {Math.abs(Number(delta))} units {Number(delta) >= 0 ? 'to' : 'from'} {sku}?</p>}
        action={async () => {
          const { adjustStock } = await adjust.run({ sku, delta: Number(delta) });
          return `${adjustStock.sku}: ${adjustStock.available} available, ${adjustStock.reserved} reserved`;
        }} />
    </form>
  );
}

function CreditAccount() {
  const [customerId, setCustomerId] = useState('alice');
  const [amount, setAmount] = useState('100.00');
  const credit = useMutation<{ creditAccount: Account }>(CREDIT_ACCOUNT);
  const valid = customerId.trim().length > 0 && /^\d+(\.\d+)?$/.test(amount) && Number(amount) > 0;
  return (
    <form className="panel" aria-labelledby="credit-title" onSubmit={(e) => e.preventDefault()}>
      <h2 id="credit-title">Credit an account</h2>
      <label>
        Customer id
        <input value={customerId} onChange={(e) => setCustomerId(e.target.value)} />
      </label>
      <label>
        Amount
        <input inputMode="decimal" value={amount} onChange={(e) => setAmount(e.target.value)} />
      </label>
      <ConfirmButton label="Credit account" disabled={!valid}
        question={<p>Add {amount} to the account of {customerId}?</p>}
        action={async () => {
          const { creditAccount } = await credit.run({ customerId: customerId.trim(), amount });
          return `${creditAccount.customerId}: balance ${creditAccount.balance} ${creditAccount.currency}`;
        }} />
    </form>
  );
}

function Rebuild() {
  // Polled every second while a rebuild runs, to show its progress; rarely otherwise.
  const status = useQuery<{ readModelRebuild: ReadModelRebuild | null }>(REBUILD_STATUS, {},
    { pollMs: (data) => (data?.readModelRebuild?.running ? 1_000 : 15_000) });
  const start = useMutation<{ rebuildReadModel: ReadModelRebuild }>(REBUILD);
  const rebuild = status.data?.readModelRebuild ?? null;
  const percent = rebuild && rebuild.total > 0 ? Math.min(100, Math.round((rebuild.done / rebuild.total) * 100)) : rebuild?.running ? 0 : 100;
  return (
    <div className="panel" aria-labelledby="rebuild-title">
      <h2 id="rebuild-title">Rebuild the read model</h2>
      <p className="hint">Replays the event store into new Elasticsearch indices, then swaps the aliases at once: queries keep answering.</p>
      {status.error && <ErrorState error={status.error} onRetry={status.reload} />}
      {rebuild && (
        <div className="rebuild-status">
          <progress max={100} value={percent} aria-label="Rebuild progress">{percent}%</progress>
          <p aria-live="polite" data-testid="rebuild-status">
            {rebuild.running ? 'Running' : rebuild.failure ? 'Failed' : 'Last rebuild finished'}: {rebuild.done.toLocaleString()} of{' '}
            {rebuild.total.toLocaleString()} ({percent}%)
            {rebuild.running && ` · ${Math.round(rebuild.ratePerSecond).toLocaleString()}/s · about ${Math.ceil(rebuild.etaSeconds)} s left`}
            {!rebuild.running && rebuild.indices.length > 0 && ` · indices ${rebuild.indices.join(', ')}`}
          </p>
          {rebuild.failure && <p className="state state-error" role="alert">{rebuild.failure}</p>}
        </div>
      )}
      {!rebuild && !status.error && <p>No rebuild has run yet.</p>}
      <ConfirmButton label="Rebuild read model" disabled={rebuild?.running}
        question={<p>Rebuild the read model from the event store? It runs in the background; queries keep answering during it.</p>}
        action={async () => {
          const { rebuildReadModel } = await start.run({});
          status.setData(() => ({ readModelRebuild: rebuildReadModel }));
          status.reload();
          // The total is counted once the replay starts: right after the mutation it may still be 0.
          return rebuildReadModel.total > 0
            ? `Rebuild started: ${rebuildReadModel.total.toLocaleString()} items to replay`
            : `Rebuild started into ${rebuildReadModel.indices.join(', ') || 'new indices'}`;
        }} />
    </div>
  );
}
