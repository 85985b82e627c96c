import type { LineageHop, LineageHopKind } from '../api/types';

/** The timeline's lanes, top to bottom: where in the platform a hop happens. */
export const LANES = ['Write side', 'Outbox → Kafka', 'Consumers', 'Saga', 'Read model'] as const;
export type Lane = (typeof LANES)[number];

const LANE_OF: Record<LineageHopKind, Lane> = {
  ACCEPTED: 'Write side',
  EVENT_APPENDED: 'Write side',
  PENDING_PUBLISH: 'Outbox → Kafka',
  PUBLISHED: 'Outbox → Kafka',
  CONSUMED: 'Consumers',
  DEAD_LETTERED: 'Consumers',
  REDRIVEN: 'Consumers',
  SAGA: 'Saga',
  INDEXED: 'Read model',
};

/** A hop placed on the timeline: its span as fractions (0 to 1) of the whole lineage's time. */
export interface PlacedHop {
  hop: LineageHop;
  lane: Lane;
  /** Where the hop starts (what it follows) and ends (its own time), 0 to 1. */
  from: number;
  to: number;
  slowest: boolean;
}

export interface Timeline {
  start: number;
  end: number;
  totalMs: number;
  hops: PlacedHop[];
}

/**
 * Places each hop on one time axis, from the first hop's start to the last hop's time: a hop spans
 * the time it took (from what it follows), a hop with no duration is a point. The slowest hop is
 * the one the API names.
 */
export function placeHops(hops: LineageHop[], slowest: LineageHop | null): Timeline {
  const ends = hops.map((h) => Date.parse(h.at));
  const starts = hops.map((h, i) => ends[i] - (h.durationMs ?? 0));
  const start = hops.length ? Math.min(...starts) : 0;
  const end = hops.length ? Math.max(...ends) : 0;
  const totalMs = Math.max(0, end - start);
  const fraction = (t: number) => (totalMs === 0 ? 0 : (t - start) / totalMs);
  return {
    start,
    end,
    totalMs,
    hops: hops.map((hop, i) => ({
      hop,
      lane: LANE_OF[hop.kind],
      from: fraction(starts[i]),
      to: fraction(ends[i]),
      slowest: slowest !== null && isSame(hop, slowest),
    })),
  };
}

function isSame(a: LineageHop, b: LineageHop): boolean {
  return a.kind === b.kind && a.at === b.at && a.messageId === b.messageId && a.consumer === b.consumer && a.durationMs === b.durationMs;
}

/** What a hop is, in a few words: "DebitPayment consumed by payment (attempt 2)". */
export function describeHop(hop: LineageHop): string {
  const what = hop.messageType ?? 'message';
  switch (hop.kind) {
    case 'ACCEPTED':
      return 'placeOrder accepted';
    case 'EVENT_APPENDED':
      return `${what} appended at v${hop.version}`;
    case 'PENDING_PUBLISH':
      return `${what} waiting in the outbox`;
    case 'PUBLISHED':
      return `${what} published to ${hop.topic} [${hop.partition}] @${hop.offset}`;
    case 'CONSUMED':
      return `${what} consumed by ${hop.consumer}${hop.attempt && hop.attempt > 1 ? ` (attempt ${hop.attempt})` : ''}`;
    case 'DEAD_LETTERED':
      return `${what} parked in dead letters by ${hop.consumer} after ${hop.attempt} attempt(s)`;
    case 'REDRIVEN':
      return `${what} redriven to ${hop.topic}`;
    case 'SAGA':
      return `${hop.sagaEvent}${hop.step ? ` ${hop.step}` : ''}`;
    case 'INDEXED':
      return `${what} indexed at v${hop.version}`;
  }
}

/** A duration for people: "840 ms", "2.4 s", "3 min 5 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}
