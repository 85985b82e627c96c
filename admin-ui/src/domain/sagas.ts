import type { SagaStatus, SagaStepName, SagaSummary } from '../api/types';

/** A saga still running whose last change is older than this is making no progress and stands out. */
export const STALL_AFTER_MS = 60_000;

export interface SagaFilterState {
  statuses: SagaStatus[];
  failedStep: SagaStepName | null;
  orderId: string;
  stalledOnly: boolean;
}

export const NO_FILTER: SagaFilterState = { statuses: [], failedStep: null, orderId: '', stalledOnly: false };

/** The GraphQL SagaFilter for the list's controls. */
export function toGraphQLFilter(filter: SagaFilterState): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  if (filter.statuses.length) result.status = filter.statuses;
  if (filter.failedStep) result.failedStep = filter.failedStep;
  if (filter.orderId.trim()) result.orderId = filter.orderId.trim();
  if (filter.stalledOnly) result.stalledForSeconds = STALL_AFTER_MS / 1000;
  return result;
}

export function isActive(status: SagaStatus): boolean {
  return status === 'RUNNING' || status === 'COMPENSATING';
}

/** Why an operator should look at this saga, or null: flagged by the orchestrator, or no progress for a while. */
export function attentionReason(saga: SagaSummary, now: number): string | null {
  if (saga.flagged) {
    return `Flagged: ${saga.flagReason ?? 'a compensation keeps failing'}`;
  }
  const idle = now - Date.parse(saga.updatedAt);
  if (isActive(saga.status) && idle >= STALL_AFTER_MS) {
    return `No progress for ${formatDuration(idle)} (${saga.currentStep ? `waiting on ${saga.currentStep.toLowerCase()}` : 'no current step'})`;
  }
  return null;
}

export function matches(saga: SagaSummary, filter: SagaFilterState, now: number): boolean {
  return (
    (filter.statuses.length === 0 || filter.statuses.includes(saga.status)) &&
    (!filter.failedStep || saga.failedStep === filter.failedStep) &&
    (!filter.orderId.trim() || saga.orderId === filter.orderId.trim()) &&
    (!filter.stalledOnly || (isActive(saga.status) && now - Date.parse(saga.updatedAt) >= STALL_AFTER_MS))
  );
}

/**
 * Applies a live update to the rows on screen: a saga shown is replaced (or dropped when it no
 * longer matches the filter); a new matching saga goes on top of the first page. Older updates
 * than the row shown are ignored, so a late delivery never takes a row back.
 */
export function applyUpdate<T extends SagaSummary>(rows: T[], update: T, filter: SagaFilterState, firstPage: boolean, now: number): T[] {
  const index = rows.findIndex((row) => row.id === update.id);
  const fits = matches(update, filter, now);
  if (index >= 0) {
    if (newer(rows[index], update) !== update) {
      return rows;
    }
    return fits ? rows.map((row, i) => (i === index ? update : row)) : rows.filter((_, i) => i !== index);
  }
  return fits && firstPage ? [update, ...rows] : rows;
}

/** Of a saga's two states, the one changed last (the second on a tie): a late delivery never takes a view back. */
export function newer<T extends { updatedAt: string }>(shown: T | null | undefined, update: T): T {
  return shown && Date.parse(shown.updatedAt) > Date.parse(update.updatedAt) ? shown : update;
}

/**
 * What a page shows when a saga read from the read model arrives: the read one, unless a live
 * update already showed a later state of the same saga, or it is not found while one is shown (the
 * read model lags live updates by up to a second, so a read sent before an update can be answered after it).
 */
export function keepLive<T extends { id: string; updatedAt: string }>(shown: T | null | undefined, loaded: T | null): T | null {
  if (!shown || !loaded) return loaded ?? shown ?? null; // not found yet: the read model has not seen a saga a live update showed
  return shown.id === loaded.id ? newer(loaded, shown) : loaded;
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  return `${hours} h ${minutes % 60} min`;
}

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { hour12: false });
}

/** Ids are UUIDs: the first block tells them apart on screen, the full id is in the link and the detail page. */
export function short(id: string): string {
  return id.length > 13 ? `${id.slice(0, 8)}…` : id;
}
