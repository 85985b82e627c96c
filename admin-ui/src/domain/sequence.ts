import type { SagaStepName, SagaTimelineEntry } from '../api/types';

/** The lifelines of the seed's sequence diagram: the orchestrator and the three participants. */
export type Lifeline = 'ORCHESTRATOR' | SagaStepName;
export const LIFELINES: Lifeline[] = ['ORCHESTRATOR', 'PAYMENT', 'INVENTORY', 'SHIPPING'];

/** How a row reads: a normal exchange, a failure, or part of the compensation. */
export type Tone = 'normal' | 'failure' | 'compensation' | 'success';

export interface Arrow {
  kind: 'arrow';
  from: Lifeline;
  to: Lifeline;
  label: string;
  tone: Tone;
  /** Dashed for replies, solid for requests. */
  reply: boolean;
  at: string;
  detail: string | null;
}

export interface Note {
  kind: 'note';
  on: Lifeline;
  label: string;
  tone: Tone;
  at: string;
  detail: string | null;
}

export type SequenceRow = Arrow | Note;

const REQUESTS: Record<SagaStepName, string> = { PAYMENT: 'debit payment', INVENTORY: 'reserve stock', SHIPPING: 'create shipment' };
const COMPENSATIONS: Record<SagaStepName, string> = { PAYMENT: 'refund payment', INVENTORY: 'release stock', SHIPPING: 'cancel shipment' };

/**
 * Draws a saga's timeline as the seed's sequence diagram: requests and replies between the
 * orchestrator and participants. An entry that repeated (a retry cycle, kept once by the server)
 * is drawn once with how often it happened.
 */
export function toSequence(timeline: SagaTimelineEntry[]): SequenceRow[] {
  return timeline.map((entry) => repeated(row(entry), entry.count ?? 1));
}

function repeated(drawn: SequenceRow, count: number): SequenceRow {
  return count > 1 ? { ...drawn, label: `${drawn.label} ×${count}` } : drawn;
}

function row(entry: SagaTimelineEntry): SequenceRow {
  const step = entry.step;
  const at = entry.at;
  const detail = entry.message;
  switch (entry.type) {
    case 'STEP_REQUESTED':
      return step ? arrow('ORCHESTRATOR', step, REQUESTS[step], 'normal', false, at, detail) : note(entry);
    case 'STEP_RETRIED': {
      // The server words a compensation's retry "compensation attempt N".
      const undo = entry.message?.startsWith('compensation') ?? false;
      return step ? arrow('ORCHESTRATOR', step, `retry: ${(undo ? COMPENSATIONS : REQUESTS)[step]}`, 'failure', false, at, detail) : note(entry);
    }
    case 'STEP_SUCCEEDED':
      return step ? arrow(step, 'ORCHESTRATOR', `${step.toLowerCase()} done`, 'success', true, at, detail) : note(entry);
    case 'STEP_FAILED':
      return step ? arrow(step, 'ORCHESTRATOR', `${step.toLowerCase()} failed`, 'failure', true, at, detail) : note(entry);
    case 'STEP_TIMED_OUT':
      return { kind: 'note', on: step ?? 'ORCHESTRATOR', label: 'no reply: timed out', tone: 'failure', at, detail };
    case 'COMPENSATION_REQUESTED':
      return step ? arrow('ORCHESTRATOR', step, COMPENSATIONS[step], 'compensation', false, at, detail) : note(entry);
    case 'STEP_COMPENSATED':
      return step ? arrow(step, 'ORCHESTRATOR', `${step.toLowerCase()} compensated`, 'compensation', true, at, detail) : note(entry);
    default:
      return note(entry);
  }
}

function arrow(from: Lifeline, to: Lifeline, label: string, tone: Tone, reply: boolean, at: string, detail: string | null): Arrow {
  return { kind: 'arrow', from, to, label, tone, reply, at, detail };
}

function note(entry: SagaTimelineEntry): Note {
  const labels: Partial<Record<string, [string, Tone]>> = {
    STARTED: ['saga started', 'normal'],
    COMPLETED: ['saga completed', 'success'],
    FAILED: ['saga failed', 'failure'],
  };
  const [label, tone] = labels[entry.type] ?? [entry.type.toLowerCase().replace(/_/g, ' '), 'normal'];
  return { kind: 'note', on: entry.step ?? 'ORCHESTRATOR', label, tone, at: entry.at, detail: entry.message };
}

/** The steps compensated, in the order they were (the contract says: the reverse of the order they ran). */
export function compensationOrder(timeline: SagaTimelineEntry[]): SagaStepName[] {
  return timeline.filter((e) => e.type === 'STEP_COMPENSATED' && e.step).map((e) => e.step as SagaStepName);
}
