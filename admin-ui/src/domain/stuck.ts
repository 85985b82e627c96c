import type { StuckReason, StuckSaga } from '../api/types';

/** The reasons in the order an operator should look at them: what only they can fix first. */
export const REASONS: { reason: StuckReason; title: string; help: string }[] = [
  { reason: 'PARKED_IN_DEAD_LETTERS', title: 'Parked in dead letters', help: 'A message of the saga was set aside: redrive it once its cause is fixed.' },
  { reason: 'COMPENSATION_FAILING', title: 'Compensation failing', help: 'Undoing a step keeps failing; it is retried, and flagged for you.' },
  { reason: 'WAITING_ON_PARTICIPANT', title: 'Waiting on a participant', help: 'A step was requested and no reply came: the participant is slow or down.' },
  { reason: 'CONSUMER_LAGGING', title: 'Consumer lagging', help: 'The consumer that must read the next message is behind on its partition.' },
  { reason: 'RETRYING', title: 'Retrying', help: 'An attempt failed; the next one is scheduled.' },
  { reason: 'WAITING_ON_TIMER', title: 'Waiting on a timer', help: 'A backoff, or a timeout that is due and has not fired.' },
];

/** The stuck sagas by reason, in the order of {@link REASONS}, each group longest waiting first; empty groups left out. */
export function groupByReason(sagas: StuckSaga[]): { reason: StuckReason; title: string; help: string; sagas: StuckSaga[] }[] {
  return REASONS.map((r) => ({
    ...r,
    sagas: sagas.filter((s) => s.reason === r.reason).sort((a, b) => b.waitingSeconds - a.waitingSeconds),
  })).filter((group) => group.sagas.length > 0);
}
