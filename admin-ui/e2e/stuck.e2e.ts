import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launch, screenshot, signIn, unnamedControls } from './browser';

// Set by StuckSagasIT: a platform without its inventory participant, an order waiting on it, and one whose message is parked.
const WAITING = process.env.SAGAWAY_E2E_WAITING_ORDER ?? '';
const PARKED = process.env.SAGAWAY_E2E_PARKED_ORDER ?? '';

let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
});

afterAll(async () => {
  await browser?.close();
});

describe('the stuck sagas view', () => {
  it('explains each stuck saga by reason, with the action that fits', async () => {
    expect(WAITING).not.toBe('');
    expect(PARKED).not.toBe('');
    await signIn(page);
    await page.getByRole('link', { name: 'Sagas', exact: true }).click();
    await page.getByRole('navigation', { name: 'Saga views' }).getByRole('link', { name: 'Stuck' }).click();

    const waitingGroup = page.locator('section[data-reason="WAITING_ON_PARTICIPANT"]');
    await waitingGroup.getByRole('heading', { name: /Waiting on a participant/ }).waitFor({ timeout: 30_000 });
    const waiting = waitingGroup.locator(`li[data-order-id="${WAITING}"]`);
    await waiting.waitFor({ timeout: 30_000 });
    expect(await waiting.locator('.stuck-explanation').innerText()).toMatch(/^waiting on INVENTORY for \d+ s/);
    expect(await waiting.locator('.stuck-explanation').innerText()).toContain('inventory consumer is running');
    await waiting.getByRole('button', { name: 'Cancel the order' }).waitFor();

    const parked = page.locator(`section[data-reason="PARKED_IN_DEAD_LETTERS"] li[data-order-id="${PARKED}"]`);
    await parked.waitFor({ timeout: 30_000 });
    expect(await parked.locator('.stuck-explanation').innerText()).toMatch(/parked in dead letters by \S*order-saga/);
    await parked.getByRole('button', { name: 'Redrive the parked message' }).waitFor();

    // What only an operator can fix comes first.
    const groups = await page.locator('section.stuck-group').evaluateAll((sections) => sections.map((s) => s.getAttribute('data-reason')));
    expect(groups.indexOf('PARKED_IN_DEAD_LETTERS')).toBeLessThan(groups.indexOf('WAITING_ON_PARTICIPANT'));
    await screenshot(page, 'stuck-sagas');
    expect(await unnamedControls(page)).toEqual([]);
  });
});
