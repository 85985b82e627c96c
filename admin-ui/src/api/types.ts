/** The contract's types as the console reads them (schema.graphqls). */

export type OrderStatus = 'PENDING' | 'PAID' | 'RESERVED' | 'SHIPPED' | 'COMPENSATING' | 'FAILED' | 'CANCELLED';
export type SagaStatus = 'RUNNING' | 'COMPENSATING' | 'COMPLETED' | 'FAILED';
export type SagaStepName = 'PAYMENT' | 'INVENTORY' | 'SHIPPING';
export type StepStatus = 'PENDING' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'COMPENSATING' | 'COMPENSATED';
export type SagaEventType =
  | 'STARTED'
  | 'STEP_REQUESTED'
  | 'STEP_SUCCEEDED'
  | 'STEP_FAILED'
  | 'STEP_RETRIED'
  | 'STEP_TIMED_OUT'
  | 'COMPENSATION_REQUESTED'
  | 'STEP_COMPENSATED'
  | 'COMPLETED'
  | 'FAILED';

export const SAGA_STATUSES: SagaStatus[] = ['RUNNING', 'COMPENSATING', 'COMPLETED', 'FAILED'];
export const STEP_NAMES: SagaStepName[] = ['PAYMENT', 'INVENTORY', 'SHIPPING'];

export interface SagaStep {
  name: SagaStepName;
  status: StepStatus;
  attempts: number;
  startedAt: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface SagaTimelineEntry {
  at: string;
  type: SagaEventType;
  step: SagaStepName | null;
  message: string | null;
  /** How many times it happened: a repeating entry (a retry cycle) is kept once. */
  count?: number;
  firstAt?: string | null;
}

export interface SagaSummary {
  id: string;
  orderId: string;
  status: SagaStatus;
  currentStep: SagaStepName | null;
  failedStep: SagaStepName | null;
  failureReason: string | null;
  flagged: boolean;
  flagReason: string | null;
  cancelRequested: boolean;
  startedAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export interface Saga extends SagaSummary {
  steps: SagaStep[];
  timeline: SagaTimelineEntry[];
}

export interface OrderItem {
  sku: string;
  quantity: number;
  unitPrice: string;
}

export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  items: OrderItem[];
  totalAmount: string;
  currency: string;
  shippingAddress: { line1: string; city: string; postalCode: string; country: string };
  trackingNumber: string | null;
  failureReason: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface OrderEvent {
  version: number;
  type: string;
  data: unknown;
  occurredAt: string;
}

export interface DeadLetter {
  id: string;
  topic: string;
  key: string | null;
  payload: unknown;
  error: string;
  attempts: number;
  firstFailedAt: string;
  redrivenAt: string | null;
}

export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

export interface Connection<T> {
  edges: { node: T; cursor: string }[];
  pageInfo: PageInfo;
  totalCount: number;
}

export interface StatusCount {
  status: string;
  count: number;
}

export interface PlatformStats {
  ordersByStatus: StatusCount[];
  sagasByStatus: StatusCount[];
  projectionLagMs: number;
  deadLetterCount: number;
  ordersPerMinute: { minute: string; count: number }[];
}

export interface ReadModelRebuild {
  running: boolean;
  done: number;
  total: number;
  ratePerSecond: number;
  etaSeconds: number;
  failure: string | null;
  indices: string[];
}

export interface StockLevel {
  sku: string;
  available: number;
  reserved: number;
}

export interface Account {
  customerId: string;
  balance: string;
  currency: string;
}

export type LineageHopKind =
  | 'ACCEPTED'
  | 'EVENT_APPENDED'
  | 'PENDING_PUBLISH'
  | 'PUBLISHED'
  | 'CONSUMED'
  | 'DEAD_LETTERED'
  | 'REDRIVEN'
  | 'SAGA'
  | 'INDEXED';

export interface LineageHop {
  at: string;
  kind: LineageHopKind;
  durationMs: number | null;
  since: string | null;
  messageId: string | null;
  messageType: string | null;
  version: number | null;
  topic: string | null;
  partition: number | null;
  offset: string | null;
  consumer: string | null;
  attempt: number | null;
  sagaEvent: SagaEventType | null;
  step: SagaStepName | null;
  detail: string | null;
}

export interface OrderLineage {
  orderId: string;
  traceId: string | null;
  traceUrl: string | null;
  hops: LineageHop[];
  slowestHop: LineageHop | null;
}

export type StuckReason =
  | 'WAITING_ON_PARTICIPANT'
  | 'WAITING_ON_TIMER'
  | 'RETRYING'
  | 'PARKED_IN_DEAD_LETTERS'
  | 'COMPENSATION_FAILING'
  | 'CONSUMER_LAGGING';

export type StuckAction = 'RETRY' | 'REDRIVE' | 'CANCEL' | 'WAIT';

export interface StuckSaga {
  sagaId: string;
  orderId: string;
  status: SagaStatus;
  step: SagaStepName | null;
  reason: StuckReason;
  explanation: string;
  waitingSince: string;
  waitingSeconds: number;
  attempt: number | null;
  error: string | null;
  until: string | null;
  usualLatencyMs: number | null;
  consumer: string | null;
  topic: string | null;
  partition: number | null;
  lag: number | null;
  deadLetterId: string | null;
  action: StuckAction;
}

export interface StuckSagas {
  totalCount: number;
  byReason: { reason: StuckReason; count: number }[];
  sagas: StuckSaga[];
}
