/** The GraphQL documents the console sends: only the public API. */

const SAGA_SUMMARY = `id orderId status currentStep failedStep failureReason flagged flagReason cancelRequested startedAt updatedAt finishedAt`;
const SAGA_FULL = `${SAGA_SUMMARY} steps { name status attempts startedAt finishedAt error } timeline { at type step message count firstAt }`;
const ORDER = `id customerId status items { sku quantity unitPrice } totalAmount currency
  shippingAddress { line1 city postalCode country } trackingNumber failureReason version createdAt updatedAt`;

export const PLATFORM_STATS = `query PlatformStats($minutes: Int!) {
  platformStats {
    ordersByStatus { status count }
    sagasByStatus { status count }
    projectionLagMs
    deadLetterCount
    ordersPerMinute(minutes: $minutes) { minute count }
  }
}`;

export const SAGAS = `query Sagas($filter: SagaFilter, $first: Int!, $after: String) {
  sagas(filter: $filter, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ${SAGA_SUMMARY} } }
  }
}`;

export const SAGA = `query Saga($id: ID!) { saga(id: $id) { ${SAGA_FULL} } }`;

export const SAGA_UPDATES = `subscription SagaUpdates($sagaId: ID) { sagaUpdated(sagaId: $sagaId) { ${SAGA_FULL} } }`;

export const STUCK_SAGAS = `query StuckSagas($stalledForSeconds: Int!) {
  stuckSagas(stalledForSeconds: $stalledForSeconds, first: 500) {
    totalCount
    byReason { reason count }
    sagas { sagaId orderId status step reason explanation waitingSince waitingSeconds attempt error until usualLatencyMs
      consumer topic partition lag deadLetterId action }
  }
}`;

export const CANCEL_ORDER = `mutation CancelOrder($id: ID!, $reason: String) { cancelOrder(id: $id, reason: $reason) { id status } }`;

export const RETRY_SAGA = `mutation RetrySaga($id: ID!) { retrySaga(id: $id) { ${SAGA_FULL} } }`;

export const ORDER_DETAIL = `query OrderDetail($id: ID!) {
  order(id: $id, consistency: STRONG) { ${ORDER} }
  orderEvents(id: $id) { version type data occurredAt }
  sagaForOrder(orderId: $id) { id status }
}`;

const LINEAGE_HOP = `at kind durationMs since messageId messageType version topic partition offset consumer attempt sagaEvent step detail`;
export const ORDER_LINEAGE = `query OrderLineage($id: ID!) {
  orderLineage(orderId: $id) { orderId traceId traceUrl hops { ${LINEAGE_HOP} } slowestHop { ${LINEAGE_HOP} } }
}`;

export const ORDER_AT_VERSION = `query OrderAtVersion($id: ID!, $version: Int!) { orderAtVersion(id: $id, version: $version) { ${ORDER} } }`;

export const ORDER_UPDATES = `subscription OrderUpdates($orderId: ID!) { orderStatusChanged(orderId: $orderId) { orderId status version at reason } }`;

export const DEAD_LETTERS = `query DeadLetters($first: Int!, $after: String) {
  deadLetters(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { id topic key payload error attempts firstFailedAt redrivenAt } }
  }
}`;

export const REDRIVE = `mutation Redrive($id: ID!) { redriveDeadLetter(id: $id) { id topic redrivenAt } }`;

export const STOCK = `query Stock($sku: String!) { stock(sku: $sku) { sku available reserved } }`;
export const ADJUST_STOCK = `mutation AdjustStock($sku: String!, $delta: Int!) { adjustStock(sku: $sku, delta: $delta) { sku available reserved } }`;
export const ACCOUNT = `query Account($customerId: ID!) { account(customerId: $customerId) { customerId balance currency } }`;
export const CREDIT_ACCOUNT = `mutation Credit($customerId: ID!, $amount: Decimal!) {
  creditAccount(customerId: $customerId, amount: $amount) { customerId balance currency }
}`;

const REBUILD_FIELDS = `running done total ratePerSecond etaSeconds failure indices`;
export const REBUILD_STATUS = `query RebuildStatus { readModelRebuild { ${REBUILD_FIELDS} } }`;
export const REBUILD = `mutation Rebuild { rebuildReadModel { ${REBUILD_FIELDS} } }`;
