import { describe, expect, it } from 'vitest';
import type { StuckSaga } from '../api/types';
import { groupByReason } from './stuck';

function stuck(sagaId: string, reason: StuckSaga['reason'], waitingSeconds: number): StuckSaga {
  return {
    sagaId, orderId: `o-${sagaId}`, status: 'RUNNING', step: 'INVENTORY', reason, explanation: 'why', waitingSince: '2026-11-30T10:00:00Z',
    waitingSeconds, attempt: 1, error: null, until: null, usualLatencyMs: 40, consumer: null, topic: null, partition: null, lag: null,
    deadLetterId: null, action: 'RETRY',
  };
}

describe('groupByReason', () => {
  it('puts what only an operator can fix first, each group longest waiting first, and leaves empty groups out', () => {
    const groups = groupByReason([
      stuck('a', 'WAITING_ON_PARTICIPANT', 12),
      stuck('b', 'PARKED_IN_DEAD_LETTERS', 3),
      stuck('c', 'WAITING_ON_PARTICIPANT', 40),
    ]);
    expect(groups.map((g) => [g.reason, g.sagas.map((s) => s.sagaId)])).toEqual([
      ['PARKED_IN_DEAD_LETTERS', ['b']],
      ['WAITING_ON_PARTICIPANT', ['c', 'a']],
    ]);
    expect(groupByReason([])).toEqual([]);
  });
});
