import { describe, expect, it } from 'vitest';
import type { LineageHop } from '../api/types';
import { describeHop, formatDuration, placeHops } from './lineage';

function hop(partial: Partial<LineageHop> & Pick<LineageHop, 'at' | 'kind'>): LineageHop {
  return {
    durationMs: null, since: null, messageId: null, messageType: null, version: null, topic: null, partition: null, offset: null,
    consumer: null, attempt: null, sagaEvent: null, step: null, detail: null, ...partial,
  };
}

const accepted = hop({ at: '2026-11-30T10:00:00.000Z', kind: 'ACCEPTED' });
const published = hop({ at: '2026-11-30T10:00:00.100Z', kind: 'PUBLISHED', durationMs: 100, since: 'its transaction began',
  messageType: 'OrderPlaced', topic: 'order.events', partition: 3, offset: '41' });
const consumed = hop({ at: '2026-11-30T10:00:00.400Z', kind: 'CONSUMED', durationMs: 300, since: 'published', messageType: 'OrderPlaced',
  consumer: 'order-saga', attempt: 2 });

describe('placeHops', () => {
  it('spans each hop from what it follows to its time on one axis, and marks the slowest the API named', () => {
    const timeline = placeHops([accepted, published, consumed], consumed);
    expect(timeline.totalMs).toBe(400);
    expect(timeline.hops.map((p) => [p.lane, p.from, p.to])).toEqual([
      ['Write side', 0, 0],
      ['Outbox → Kafka', 0, 0.25],
      ['Consumers', 0.25, 1],
    ]);
    expect(timeline.hops.map((p) => p.slowest)).toEqual([false, false, true]);
  });

  it('starts the axis at the earliest start, even one before the first hop', () => {
    const indexedLate = hop({ at: '2026-11-30T10:00:00.050Z', kind: 'INDEXED', durationMs: 150, messageType: 'order document', version: 1 });
    const timeline = placeHops([indexedLate, published], null);
    expect(timeline.start).toBe(Date.parse('2026-11-30T09:59:59.900Z'));
    expect(timeline.hops.every((p) => !p.slowest)).toBe(true);
  });

  it('copes with no hops and with hops all at one instant', () => {
    expect(placeHops([], null).totalMs).toBe(0);
    expect(placeHops([accepted], null).hops[0].from).toBe(0);
  });
});

describe('describeHop', () => {
  it('says what each hop is and where it happened', () => {
    expect(describeHop(published)).toBe('OrderPlaced published to order.events [3] @41');
    expect(describeHop(consumed)).toBe('OrderPlaced consumed by order-saga (attempt 2)');
    expect(describeHop(hop({ at: accepted.at, kind: 'DEAD_LETTERED', messageType: 'DebitPayment', consumer: 'payment', attempt: 5 })))
      .toBe('DebitPayment parked in dead letters by payment after 5 attempt(s)');
    expect(describeHop(hop({ at: accepted.at, kind: 'SAGA', sagaEvent: 'STEP_SUCCEEDED', step: 'PAYMENT' }))).toBe('STEP_SUCCEEDED PAYMENT');
  });
});

describe('formatDuration', () => {
  it('reads as people say it', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(840)).toBe('840 ms');
    expect(formatDuration(2_400)).toBe('2.4 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 5 s');
  });
});
