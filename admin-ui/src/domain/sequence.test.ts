import { describe, expect, it } from 'vitest';
import type { SagaTimelineEntry } from '../api/types';
import { compensationOrder, toSequence } from './sequence';

const at = '2026-11-26T12:00:00Z';
const failedAtShipping: SagaTimelineEntry[] = [
  { at, type: 'STARTED', step: null, message: null },
  { at, type: 'STEP_REQUESTED', step: 'PAYMENT', message: null },
  { at, type: 'STEP_SUCCEEDED', step: 'PAYMENT', message: null },
  { at, type: 'STEP_REQUESTED', step: 'INVENTORY', message: null },
  { at, type: 'STEP_SUCCEEDED', step: 'INVENTORY', message: null },
  { at, type: 'STEP_REQUESTED', step: 'SHIPPING', message: null },
  { at, type: 'STEP_FAILED', step: 'SHIPPING', message: 'ADDRESS_REJECTED: country ZZ is not served' },
  { at, type: 'COMPENSATION_REQUESTED', step: 'INVENTORY', message: null },
  { at, type: 'STEP_COMPENSATED', step: 'INVENTORY', message: null },
  { at, type: 'COMPENSATION_REQUESTED', step: 'PAYMENT', message: null },
  { at, type: 'STEP_COMPENSATED', step: 'PAYMENT', message: null },
  { at, type: 'FAILED', step: null, message: 'ADDRESS_REJECTED' },
];

describe('toSequence', () => {
  it('draws requests from the orchestrator and replies back, failures and compensations in their tones', () => {
    const rows = toSequence(failedAtShipping);
    expect(rows).toHaveLength(failedAtShipping.length);
    expect(rows[0]).toMatchObject({ kind: 'note', on: 'ORCHESTRATOR', label: 'saga started' });
    expect(rows[1]).toMatchObject({ kind: 'arrow', from: 'ORCHESTRATOR', to: 'PAYMENT', reply: false, tone: 'normal' });
    expect(rows[2]).toMatchObject({ kind: 'arrow', from: 'PAYMENT', to: 'ORCHESTRATOR', reply: true, tone: 'success' });
    expect(rows[6]).toMatchObject({ kind: 'arrow', from: 'SHIPPING', to: 'ORCHESTRATOR', tone: 'failure', detail: 'ADDRESS_REJECTED: country ZZ is not served' });
    expect(rows[7]).toMatchObject({ kind: 'arrow', from: 'ORCHESTRATOR', to: 'INVENTORY', label: 'release stock', tone: 'compensation' });
    expect(rows[10]).toMatchObject({ kind: 'arrow', from: 'PAYMENT', to: 'ORCHESTRATOR', label: 'payment compensated' });
    expect(rows[11]).toMatchObject({ kind: 'note', label: 'saga failed', tone: 'failure' });
  });

  it('draws an entry that repeated once, with how often', () => {
    const rows = toSequence([
      { at, type: 'STEP_TIMED_OUT', step: 'PAYMENT', message: 'compensation attempt 41', count: 40, firstAt: at },
      { at, type: 'STEP_RETRIED', step: 'PAYMENT', message: 'compensation attempt 42', count: 1 },
    ]);
    expect(rows[0]).toMatchObject({ kind: 'note', label: 'no reply: timed out ×40' });
    expect(rows[1]).toMatchObject({ kind: 'arrow', label: 'retry: refund payment' });
  });

  it('shows retries and timeouts, which other consoles hide', () => {
    const rows = toSequence([
      { at, type: 'STEP_TIMED_OUT', step: 'INVENTORY', message: 'no reply in 2000 ms' },
      { at, type: 'STEP_RETRIED', step: 'INVENTORY', message: 'attempt 2' },
    ]);
    expect(rows[0]).toMatchObject({ kind: 'note', on: 'INVENTORY', tone: 'failure', label: 'no reply: timed out' });
    expect(rows[1]).toMatchObject({ kind: 'arrow', to: 'INVENTORY', label: 'retry: reserve stock', detail: 'attempt 2' });
  });
});

describe('compensationOrder', () => {
  it('lists compensated steps in the order they happened', () => {
    expect(compensationOrder(failedAtShipping)).toEqual(['INVENTORY', 'PAYMENT']);
  });
});
