import type { Browser, Page } from 'playwright-core';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_URL, launch, screenshot, signIn, token } from './browser';

/**
 * The README's quick start as a newcomer meets it: the platform started as ./run.sh starts it
 * (QuickStartBrowserIT), then its links opened in Chromium.
 */
let browser: Browser;
let page: Page;

beforeAll(async () => {
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
});

afterAll(async () => {
  await browser?.close();
});

describe('the quick start', () => {
  it('shows the admin console login form and signs an operator in', async () => {
    await signIn(page, 'admin');
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await screenshot(page, 'quickstart-admin');
  });

  it('lets GraphiQL sign in, load the schema and list placeOrder in its documentation explorer', async () => {
    await page.goto(`${BASE_URL}/graphiql/`);
    await page.getByLabel('Username').fill('admin');
    await page.getByLabel('Password').fill('admin');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as admin').waitFor();
    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    await page.getByRole('link', { name: 'Mutation' }).click();
    await page.getByRole('link', { name: 'placeOrder', exact: true }).waitFor();
    await screenshot(page, 'quickstart-graphiql-docs');
    // Its first query runs with the token it signed in with: an answer, not UNAUTHENTICATED.
    await page.getByRole('button', { name: /Execute query/ }).click();
    await page.locator('.result-window').getByText('"totalCount"').waitFor();
    expect(await page.locator('.result-window').textContent()).not.toContain('UNAUTHENTICATED');
    await screenshot(page, 'quickstart-graphiql-query');
  });

  it('answers graphql-js introspection with every option on', async () => {
    const query = getIntrospectionQuery({
      descriptions: true,
      specifiedByUrl: true,
      directiveIsRepeatable: true,
      schemaDescription: true,
      inputValueDeprecation: true,
      oneOf: true,
    });
    const response = await fetch(`${BASE_URL}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token('alice')}` },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { data?: { __schema: { mutationType: { name: string }; types: { name: string; fields?: { name: string }[] }[] } }; errors?: unknown[] };
    expect(body.errors).toBeUndefined();
    const mutation = body.data?.__schema.types.find((t) => t.name === body.data?.__schema.mutationType.name);
    expect(mutation?.fields?.map((f) => f.name)).toContain('placeOrder');
  });
});
