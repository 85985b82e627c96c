import { describe, expect, it } from 'vitest';
import type { SagaSummary } from '../api/types';
import { applyUpdate, attentionReason, formatDuration, keepLive, NO_FILTER, STALL_AFTER_MS, toGraphQLFilter } from './sagas';

const now = Date.parse('2026-11-26T12:00:00Z');

function saga(id: string, patch: Partial<SagaSummary> = {}): SagaSummary {
  return {
    id, orderId: `order-${id}`, status: 'RUNNING', currentStep: 'PAYMENT', failedStep: null, failureReason: null, flagged: false,
    flagReason: null, cancelRequested: false, startedAt: '2026-11-26T11:59:59Z', updatedAt: '2026-11-26T11:59:59Z', finishedAt: null,
    ...patch,
  };
}

describe('attentionReason', () => {
  it('names the flag reason of a flagged saga', () => {
    expect(attentionReason(saga('a', { flagged: true, flagReason: 'refund keeps failing' }), now)).toBe('Flagged: refund keeps failing');
  });

  it('calls out a running saga with no progress for a while, and not a recent or finished one', () => {
    const old = new Date(now - STALL_AFTER_MS - 5_000).toISOString();
    expect(attentionReason(saga('a', { updatedAt: old, currentStep: 'INVENTORY' }), now)).toBe('No progress for 1 min 5 s (waiting on inventory)');
    expect(attentionReason(saga('b'), now)).toBeNull();
    expect(attentionReason(saga('c', { updatedAt: old, status: 'COMPLETED' }), now)).toBeNull();
  });
});

describe('applyUpdate', () => {
  const rows = [saga('a'), saga('b')];

  it('replaces a saga on screen in place', () => {
    const update = saga('b', { status: 'COMPLETED', updatedAt: '2026-11-26T12:00:00Z' });
    expect(applyUpdate(rows, update, NO_FILTER, true, now).map((r) => r.status)).toEqual(['RUNNING', 'COMPLETED']);
  });

  it('puts a new saga on top of the first page only', () => {
    expect(applyUpdate(rows, saga('c'), NO_FILTER, true, now).map((r) => r.id)).toEqual(['c', 'a', 'b']);
    expect(applyUpdate(rows, saga('c'), NO_FILTER, false, now)).toBe(rows);
  });

  it('drops a saga that no longer matches the filter, and ignores one that never did', () => {
    const running = { ...NO_FILTER, statuses: ['RUNNING' as const] };
    const done = saga('a', { status: 'COMPLETED', updatedAt: '2026-11-26T12:00:00Z' });
    expect(applyUpdate(rows, done, running, true, now).map((r) => r.id)).toEqual(['b']);
    expect(applyUpdate(rows, saga('z', { status: 'FAILED' }), running, true, now)).toBe(rows);
  });

  it('never takes a row back to an older state', () => {
    const newer = [saga('a', { status: 'COMPLETED', updatedAt: '2026-11-26T12:00:00Z' })];
    expect(applyUpdate(newer, saga('a'), NO_FILTER, true, now)[0].status).toBe('COMPLETED');
  });
});

describe('toGraphQLFilter', () => {
  it('sends only the filters set', () => {
    expect(toGraphQLFilter(NO_FILTER)).toEqual({});
    expect(toGraphQLFilter({ statuses: ['FAILED'], failedStep: 'SHIPPING', orderId: ' o1 ', stalledOnly: true })).toEqual({
      status: ['FAILED'], failedStep: 'SHIPPING', orderId: 'o1', stalledForSeconds: STALL_AFTER_MS / 1000,
    });
  });
});

describe('formatDuration', () => {
  it('reads naturally', () => {
    expect(formatDuration(4_000)).toBe('4 s');
    expect(formatDuration(3_725_000)).toBe('1 h 2 min');
  });
});

describe('keepLive', () => {
  const live = saga('a', { status: 'FAILED', updatedAt: '2026-11-26T11:59:58.500Z' });
  const read = saga('a', { status: 'COMPENSATING', updatedAt: '2026-11-26T11:59:58.100Z' });

  it('keeps a live state that is later than what the read model answered', () => {
    expect(keepLive(live, read)).toBe(live);
  });

  it('takes what was read when it is as late or later, or of another saga, or when nothing is shown', () => {
    const later = saga('a', { status: 'FAILED', updatedAt: '2026-11-26T11:59:59Z' });
    expect(keepLive(read, later)).toBe(later);
    expect(keepLive(saga('b', { updatedAt: '2026-11-26T12:00:00Z' }), read)).toBe(read);
    expect(keepLive(null, read)).toBe(read);
    expect(keepLive(null, null)).toBeNull();
  });

  it('keeps a live saga the read model has not seen yet', () => {
    expect(keepLive(live, null)).toBe(live);
  });
});
