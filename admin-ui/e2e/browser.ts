import { createRequire } from 'node:module';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/**
 * The browser tests' surroundings: the platform's URL, Debian's Chromium (never a downloaded
 * browser) and a folder for screenshots, which are artifacts of the run and not committed.
 */
export const BASE_URL = (process.env.SAGAWAY_URL ?? 'http://localhost:8080').replace(/\/$/, '');
const CHROMIUM = process.env.SAGAWAY_CHROMIUM ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env.SAGAWAY_SCREENSHOTS ?? join(process.cwd(), 'target', 'e2e-screenshots');

export async function launch(): Promise<Browser> {
  // --no-sandbox: the tests run as root on CI machines, where Chromium's sandbox refuses to start.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Signs in through the login form, as an operator does. */
export async function signIn(page: Page, user = 'admin', password = user): Promise<void> {
  await page.goto(`${BASE_URL}/admin/`);
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

export async function token(user: string): Promise<string> {
  const response = await fetch(`${BASE_URL}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: user, password: user }),
  });
  if (!response.ok) throw new Error(`token for ${user}: HTTP ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** A GraphQL call as any API client makes it; errors fail the test with their code. */
export async function graphql<T>(bearer: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch(`${BASE_URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${bearer}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
  if (body.errors?.length) {
    throw new Error(`${body.errors[0].extensions?.code}: ${body.errors[0].message}`);
  }
  return body.data as T;
}

/** Places an order of alice's through the public API; `country` decides whether shipping accepts it. */
export async function placeOrder(country = 'KR'): Promise<string> {
  const alice = await token('alice');
  const data = await graphql<{ placeOrder: { orderId: string } }>(alice, `mutation Place($input: PlaceOrderInput!) {
    placeOrder(input: $input) { orderId status }
  }`, {
    input: {
      customerId: 'alice',
      items: [{ sku: 'SKU-1', quantity: 1, unitPrice: '1.00' }],
      shippingAddress: { line1: '1 Sejong-daero', city: 'Seoul', postalCode: '04524', country },
    },
  });
  return data.placeOrder.orderId;
}

interface AxeViolation {
  id: string;
  help: string;
  nodes: { target: string[] }[];
}

/**
 * Accessibility problems of the page as axe-core finds them, limited to the rules about names
 * (buttons, links, form fields, images), contrast aside: every control must say what it is.
 */
export async function unnamedControls(page: Page): Promise<string[]> {
  const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, {
      runOnly: { type: 'rule', values: ['button-name', 'link-name', 'label', 'select-name', 'input-button-name', 'svg-img-alt', 'aria-dialog-name', 'aria-progressbar-name', 'aria-input-field-name'] },
    });
    return result.violations;
  });
  return (violations as AxeViolation[]).flatMap((v) => v.nodes.map((n) => `${v.id} (${v.help}): ${n.target.join(' ')}`));
}
