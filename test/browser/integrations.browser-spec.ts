import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ShopifyStoreFake } from '../../plugins/channels/shopify/fake';
import { apiOk, signUpByApi, type ApiUser } from './support/api';
import { describeInChromium, launchChromium } from './support/chromium';
import { OPERATOR_EMAIL, startConsoleServer, type ConsoleServer } from './support/console-server';
import { expectAccessible, newConsoleContext, screenshot, scrollsSideways, signIn } from './support/pages';

describeInChromium('the integrations screen', () => {
  let shopify: ShopifyStoreFake;
  let server: ConsoleServer;
  let browser: Browser;
  let operator: ApiUser;

  beforeAll(async () => {
    shopify = await new ShopifyStoreFake().start();
    const updatedAt = new Date();
    await shopify.resetCatalogue([
      { title: 'Mug passing', skus: ['MUG-OK'], updatedAt, images: ['passing'] },
      { title: 'Mug failing', skus: ['MUG-BAD'], updatedAt, images: ['failing'] },
      { title: 'Mug bare', skus: ['MUG-NONE'], updatedAt, images: [] },
    ]);
    // The store is on 127.0.0.1, so the server must be let call it.
    server = await startConsoleServer({ CHANNEL_PLUGINS: 'shopify', SHOPIFY_BASE_URL: shopify.baseUrl, ALLOW_PRIVATE_URLS: 'true' });
    browser = await launchChromium();
    operator = await signUpByApi(server, { email: OPERATOR_EMAIL, name: 'Olga Operator' });
    // One image in the gallery to publish.
    await apiOk(server.base, 'POST', '/api/v1/images/generations', 202, { token: operator.accessToken, body: { prompt: 'a white mug', size: '1024x1024' } });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await shopify?.close();
  });

  it('says a plan without store connections has none, and offers no Connect store', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, OPERATOR_EMAIL);
    await page.goto('/console/integrations');
    await page.getByText('Your plan does not include store connections', { exact: false }).waitFor();
    expect(await page.getByRole('button', { name: 'Connect store' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('connects the Shopify fake, syncs it with progress, filters the failing products, publishes an image and shows the activity', async () => {
    await apiOk(server.base, 'PATCH', `/api/v1/admin/orgs/${operator.orgId}`, 200, { token: operator.accessToken, body: { plan: 'pro' } });
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await signIn(page, OPERATOR_EMAIL);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Integrations', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
    await page.getByText('No store connected yet.').waitFor();

    await page.getByRole('button', { name: 'Connect store' }).click();
    const connect = page.getByRole('dialog', { name: 'Connect a store' });
    const { shop, accessToken } = shopify.install();
    await connect.getByLabel('Name', { exact: true }).fill('Demo Shopify');
    await connect.getByLabel('shop', { exact: true }).fill(shop);
    await connect.getByLabel('accessToken').fill('shpat_refused');
    await connect.getByLabel('Rule pack').selectOption('amazon');
    await connect.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => connect.getByRole('alert').textContent()).toMatch(/channel_credentials_invalid/);
    await connect.getByLabel('accessToken').fill(accessToken!);
    await connect.getByRole('button', { name: 'Connect' }).click();
    expect(await connect.getByRole('textbox', { name: 'Secret', exact: true }).inputValue()).toMatch(/^whsec_/);
    await connect.getByRole('button', { name: 'Done' }).click();

    const card = page.getByRole('article', { name: 'Demo Shopify' });
    await card.getByText('Active').waitFor();
    await card.getByRole('button', { name: 'Sync' }).click();
    await card.getByText(/completed \(\d+ of \d+\)/).waitFor({ timeout: 30_000 });
    const products = page.getByRole('list', { name: 'Demo Shopify products' });
    await products.getByText('Mug passing').waitFor();
    await page.getByLabel('Failing only').check();
    await expect.poll(() => products.locator(':scope > li').count()).toBe(2);
    expect(await products.getByText('Mug passing').count()).toBe(0);
    await products.getByText('No image: add one at the store.').waitFor();
    await expectAccessible(page, 'integrations');
    await screenshot(page, 'integrations');

    await page.getByRole('button', { name: 'Publish image to Mug failing' }).click();
    const publish = page.getByRole('dialog', { name: 'Publish image' });
    await publish.getByRole('radio', { name: /a white mug/ }).check();
    await publish.getByRole('button', { name: 'Dry run' }).click();
    await publish.getByText('Dry run:').waitFor();
    await publish.getByRole('region', { name: /rules$/ }).waitFor();
    await expectAccessible(page, 'integrations-publish');
    await publish.getByLabel('If the image fails the rules').selectOption('skip');
    await publish.getByLabel('Alt text').fill('A white mug');
    await publish.getByRole('button', { name: 'Publish', exact: true }).click();
    await publish.getByText(/^Published as the store’s image/).waitFor({ timeout: 30_000 });
    await publish.getByRole('button', { name: 'Close' }).click();

    const activity = page.getByRole('region', { name: 'Publish activity table' });
    const entry = activity.getByRole('row', { name: /Mug failing/ });
    await entry.getByText('published').waitFor();
    expect(await entry.textContent()).toContain('Demo Shopify');

    await page.setViewportSize({ width: 375, height: 800 });
    expect(await scrollsSideways(page)).toBe(false);
    // Chromium reports the refused credentials' answer itself as a console error; nothing else may show there.
    expect(problems.filter((p) => !p.includes('status of 422'))).toEqual([]);
    await context.close();
  });

  it('shows why a connection needs attention after the store refuses its token, and disables and enables it', async () => {
    shopify.revokeTokens();
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, OPERATOR_EMAIL);
    await page.goto('/console/integrations');
    const card = page.getByRole('article', { name: 'Demo Shopify' });
    await card.getByRole('button', { name: 'Test' }).click();
    await card.getByText('Needs attention', { exact: true }).waitFor();
    expect(await card.getByText(/^Needs attention: .*401/).count()).toBe(1);
    await card.getByRole('button', { name: 'Disable' }).click();
    await card.getByText('Disabled', { exact: true }).waitFor();
    expect(await card.getByRole('button', { name: 'Sync' }).isDisabled()).toBe(true);
    await card.getByRole('button', { name: 'Enable' }).click();
    await card.getByText('Needs attention', { exact: true }).waitFor();
    expect(problems).toEqual([]);
    await context.close();
  });
});
