import type { Browser, BrowserContext, Page, WebSocketRoute } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { launch, placeOrder, screenshot, signIn, unnamedControls } from './browser';

let browser: Browser;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  browser = await launch();
});

afterAll(async () => {
  await browser?.close();
});

beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
});

afterEach(async ({ task }) => {
  if (task.result?.state === 'fail' && page) {
    // What the operator saw when the test gave up: CI keeps the output, not the screenshots.
    const seen = await page.locator('main').innerText({ timeout: 2_000 }).catch((e: unknown) => `(unreadable: ${String(e)})`);
    console.log(`--- the page at the failure of "${task.name}" (${page.url()}):\n${seen}\n---`);
    await screenshot(page, `failed-${task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(() => undefined);
  }
  await context?.close();
});

/** Marks the page so a test can tell that it was never reloaded. */
async function markPage(): Promise<void> {
  await page.evaluate(() => ((window as unknown as { sagawayMark: boolean }).sagawayMark = true));
}

async function stillSamePage(): Promise<boolean> {
  return page.evaluate(() => (window as unknown as { sagawayMark?: boolean }).sagawayMark === true);
}

describe('the admin console', () => {
  it('signs an operator in and refuses a customer with a clear message', async () => {
    await signIn(page, 'alice');
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('not an operator');
    await screenshot(page, 'login-refused');

    await signIn(page, 'admin');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByTestId('link-state').filter({ hasText: 'Live' }).waitFor();
    await page.getByRole('figure', { name: 'Orders by status' }).waitFor();
    // The dashboard follows the platform live: an order placed now shows in the counts without a reload.
    await markPage();
    const total = page.getByTestId('orders-total');
    const before = Number(await total.textContent());
    await placeOrder('KR');
    await expect.poll(async () => Number(await total.textContent()), { timeout: 30_000 }).toBeGreaterThan(before);
    expect(await stillSamePage()).toBe(true);
    await page.getByRole('figure', { name: 'Sagas by status' }).getByText('COMPLETED').waitFor({ timeout: 30_000 });
    await screenshot(page, 'dashboard');
    expect(await unnamedControls(page)).toEqual([]);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
  });

  it('shows a new saga appear and reach COMPLETED live, without a reload', async () => {
    await signIn(page);
    await page.getByRole('link', { name: 'Sagas', exact: true }).click();
    await page.getByRole('heading', { name: 'Sagas' }).waitFor();
    await page.getByTestId('link-state').filter({ hasText: 'Live' }).waitFor();
    await markPage();

    const orderId = await placeOrder('KR');
    const row = page.locator(`tr[data-order-id="${orderId}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.getByText('COMPLETED').waitFor({ timeout: 60_000 });
    expect(await stillSamePage()).toBe(true);
    await screenshot(page, 'sagas');
    expect(await unnamedControls(page)).toEqual([]);

    // The order's point-in-time view steps back through its versions to the order as placed.
    await row.getByRole('link', { name: `Order ${orderId}` }).click();
    await page.getByRole('heading', { name: /Order/ }).waitFor();
    const version = page.getByTestId('pit-version');
    await expect.poll(() => version.textContent()).toMatch(/^v(\d+) of \1$/);
    const latest = Number((await version.textContent())?.match(/^v(\d+)/)?.[1]);
    expect(latest).toBeGreaterThanOrEqual(4);
    await page.getByTestId('pit-state').getByText('SHIPPED').waitFor();
    for (let v = latest; v > 1; v--) {
      await page.getByRole('button', { name: 'Previous version' }).click();
    }
    await expect.poll(() => version.textContent()).toBe(`v1 of ${latest}`);
    await page.getByTestId('pit-state').getByText('Status at v1').waitFor();
    await page.getByTestId('pit-state').getByText('PENDING').waitFor();
    expect(await page.locator('li.event.applied').count()).toBe(1);
    await page.getByRole('button', { name: 'Next version' }).click();
    await page.getByTestId('pit-state').getByText('Status at v2').waitFor();
    await page.getByTestId('pit-state').getByText('PAID').waitFor();
    await page.getByRole('button', { name: `Show the order at version ${latest}` }).click();
    await page.getByTestId('pit-state').getByText(`Status at v${latest}`).waitFor();
    await page.getByRole('button', { name: 'Previous version' }).click();
    await page.getByText('Payload').first().click();
    await screenshot(page, 'order-point-in-time');
    expect(await unnamedControls(page)).toEqual([]);
  });

  it("shows an order's lineage: every hop on one timeline, where each message went, the slowest highlighted", async () => {
    await signIn(page);
    await page.getByTestId('link-state').filter({ hasText: 'Live' }).waitFor();
    const orderId = await placeOrder('KR');
    await page.evaluate((id) => (window.location.hash = `#/orders/${id}`), orderId);
    await page.getByRole('heading', { name: 'Lineage' }).waitFor();
    const hops = page.locator('table.lineage-hops tbody tr');
    // The page follows the order live: its lineage grows to the shipped order's last event and its document in the read model.
    await hops.filter({ hasText: 'OrderShipped appended at v4' }).waitFor({ timeout: 60_000 });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return hops.filter({ hasText: 'order document indexed at v4' }).count();
    }, { timeout: 30_000 }).toBe(1);

    await hops.filter({ hasText: 'placeOrder accepted' }).waitFor();
    await hops.filter({ hasText: /OrderPlaced published to \S*order\.events \[\d+\] @\d+/ }).first().waitFor();
    await hops.filter({ hasText: /DebitPayment consumed by \S*payment/ }).first().waitFor();
    await hops.filter({ hasText: 'STEP_SUCCEEDED SHIPPING' }).waitFor();
    // One hop is the slowest: highlighted in the list and on the timeline, and named above it.
    expect(await page.locator('table.lineage-hops tr.slowest').count()).toBe(1);
    expect(await page.locator('.lineage-bar.slowest').count()).toBe(1);
    const slowestRow = await page.locator('table.lineage-hops tr.slowest td').nth(1).innerText();
    expect(await page.getByTestId('slowest-hop').innerText()).toContain(slowestRow.replace('slowest', '').trim());
    await page.getByRole('img', { name: /Timeline of \d+ hops/ }).waitFor();
    await page.getByRole('heading', { name: 'Lineage' }).scrollIntoViewIfNeeded();
    await screenshot(page, 'order-lineage');
    expect(await unnamedControls(page)).toEqual([]);
  });

  it('shows an order failing at shipping compensate inventory, then payment', async () => {
    await signIn(page);
    await page.getByRole('link', { name: 'Sagas', exact: true }).click();
    await page.getByTestId('link-state').filter({ hasText: 'Live' }).waitFor();
    const orderId = await placeOrder('ZZ');
    const row = page.locator(`tr[data-order-id="${orderId}"]`);
    await row.waitFor({ timeout: 30_000 });
    await row.getByRole('link', { name: /^Saga / }).click();
    await markPage();
    await page.getByRole('heading', { name: /Saga/ }).getByText('FAILED').waitFor({ timeout: 60_000 });
    expect(await stillSamePage()).toBe(true);
    // The saga failed where this order was meant to (a failure anywhere else says so here, not as a timeout below).
    expect(await page.locator('dl.facts dt:text-is("Failed step") + dd').textContent()).toBe('SHIPPING');

    await page.locator('tr[data-step="INVENTORY"]').getByText('COMPENSATED').waitFor();
    await page.locator('tr[data-step="PAYMENT"]').getByText('COMPENSATED').waitFor();
    await page.locator('tr[data-step="SHIPPING"]').getByText('FAILED').waitFor();
    const rows = await page.getByTestId('sequence-row').allTextContents();
    const shippingFailed = rows.findIndex((r) => r.includes('Shipping → Orchestrator: shipping failed'));
    const inventory = rows.findIndex((r) => r.includes('Inventory → Orchestrator: inventory compensated'));
    const payment = rows.findIndex((r) => r.includes('Payment → Orchestrator: payment compensated'));
    expect(shippingFailed).toBeGreaterThanOrEqual(0);
    expect(inventory).toBeGreaterThan(shippingFailed);
    expect(payment).toBeGreaterThan(inventory);
    expect(rows[shippingFailed]).toContain('ADDRESS_REJECTED');
    expect(await page.locator('svg line.message.tone-compensation').count()).toBe(4);
    await screenshot(page, 'saga-compensated');
    expect(await unnamedControls(page)).toEqual([]);

    // The list narrows to sagas that failed at shipping, and finds this one by its order id.
    await page.getByRole('link', { name: 'Sagas', exact: true }).click();
    const filters = page.getByRole('search', { name: 'Filter sagas' });
    await filters.getByLabel('FAILED', { exact: true }).check();
    await filters.getByLabel('Failed step').selectOption('SHIPPING');
    await filters.getByLabel('Order id').fill(orderId);
    await filters.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await page.locator(`tr[data-order-id="${orderId}"]`).getByText('failed at SHIPPING').waitFor();
    await filters.getByLabel('Failed step').selectOption('PAYMENT');
    await page.getByText('No saga matches these filters.').waitFor();

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, 'saga-compensated-phone');
  });

  it('says when the WebSocket is lost, reconnects by itself and stays live', async () => {
    // Every WebSocket of the page goes through the test, which can cut it as a network failure would.
    const sockets: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/graphql$/, (socket) => {
      const server = socket.connectToServer();
      sockets.push(socket);
      socket.onClose(() => void server.close());
    });
    await signIn(page);
    await page.getByRole('link', { name: 'Sagas', exact: true }).click();
    await page.getByTestId('link-state').filter({ hasText: 'Live' }).waitFor();
    await markPage();

    await sockets[sockets.length - 1].close({ code: 1012, reason: 'gateway restarting' });
    await page.getByRole('alert').filter({ hasText: 'Live updates are interrupted' }).waitFor();
    await page.getByTestId('link-state').filter({ hasText: 'Live' }).waitFor({ timeout: 30_000 });
    expect(await page.getByText('Live updates are interrupted').count()).toBe(0);
    expect(sockets.length).toBeGreaterThan(1);

    const orderId = await placeOrder('KR');
    await page.locator(`tr[data-order-id="${orderId}"]`).getByText('COMPLETED').waitFor({ timeout: 60_000 });
    expect(await stillSamePage()).toBe(true);
  });

  it('redrives a dead letter', async () => {
    const key = process.env.SAGAWAY_E2E_DEAD_LETTER_KEY;
    expect(key, 'the test run seeds a dead letter and names its key').toBeTruthy();
    await signIn(page);
    await page.getByRole('link', { name: 'Dead letters', exact: true }).click();
    const seeded = page.locator(`[data-testid="dead-letter"][data-key="${key}"]`).first();
    await seeded.waitFor({ timeout: 30_000 });
    // Pinned by id: once redriven, the poison message fails again and comes back as a new dead letter with the same key.
    const letter = page.locator(`[data-testid="dead-letter"][data-id="${await seeded.getAttribute('data-id')}"]`);
    await screenshot(page, 'dead-letters');
    expect(await unnamedControls(page)).toEqual([]);
    await letter.getByRole('button', { name: 'Redrive' }).click();
    await page.getByRole('dialog', { name: 'Redrive?' }).getByRole('button', { name: 'Redrive' }).click();
    await letter.getByRole('status').getByText(/^Redriven to /).waitFor();
    // Back on its topic, the record is consumed again and, still unreadable, set aside once more: a second letter, same key.
    await expect.poll(() => page.locator(`[data-testid="dead-letter"][data-key="${key}"]`).count(), { timeout: 30_000 }).toBe(2);
  });

  it('runs operator actions after confirming: stock, account and a read-model rebuild with progress', async () => {
    await signIn(page);
    await page.getByRole('link', { name: 'Operations', exact: true }).click();
    const stock = page.getByRole('form', { name: 'Adjust stock' });
    await stock.getByLabel('SKU').fill('SKU-E2E');
    await stock.getByLabel('Change (negative removes)').fill('7');
    await stock.getByRole('button', { name: 'Adjust stock' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await stock.getByRole('status').getByText(/^SKU-E2E: \d+ available/).waitFor();

    const credit = page.getByRole('form', { name: 'Credit an account' });
    await credit.getByLabel('Amount').fill('not money');
    expect(await credit.getByRole('button', { name: 'Credit account' }).isDisabled()).toBe(true);
    await credit.getByLabel('Amount').fill('5.00');
    await credit.getByRole('button', { name: 'Credit account' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await credit.getByRole('status').getByText(/^alice: balance /).waitFor();

    await page.getByRole('button', { name: 'Rebuild read model' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await page.getByText(/^Rebuild started/).waitFor();
    await page.getByTestId('rebuild-status').getByText(/Last rebuild finished/).waitFor({ timeout: 60_000 });
    expect(await page.getByRole('progressbar', { name: 'Rebuild progress' }).getAttribute('value')).toBe('100');
    await screenshot(page, 'operations');
    expect(await unnamedControls(page)).toEqual([]);
  });
});
