import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiOk, PASSWORD, signUpByApi, tokenOf, uniqueEmail, type ApiUser } from './support/api';
import { describeInChromium, launchChromium } from './support/chromium';
import { OPERATOR_EMAIL, startConsoleServer, type ConsoleServer } from './support/console-server';
import { expectAccessible, newConsoleContext, screenshot, signIn } from './support/pages';

/** The nav entries of the signed-in layout: [name, path] in the order shown. */
async function navEntries(page: Page): Promise<[string, string][]> {
  const links = page.getByRole('navigation', { name: 'Main' }).getByRole('link');
  return Promise.all((await links.all()).map(async (link) => [(await link.textContent())!.trim(), new URL((await link.getAttribute('href'))!, page.url()).pathname]));
}

/** What every screen owes: exactly one h1 (naming it, for a nav entry) and no serious or critical axe violation. */
async function checkScreen(page: Page, name: string, title?: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  const headings = page.getByRole('heading', { level: 1 });
  expect(await headings.count(), `h1 on ${name}`).toBe(1);
  const heading = (await headings.textContent())!.trim();
  if (title) expect(heading, `h1 on ${name}`).toBe(title);
  else expect(heading).not.toBe('');
  await expectAccessible(page, name);
}

describeInChromium('every screen of the console', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let operator: ApiUser;

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    // The operator sees every nav entry; a few keys give the keys screen something to show.
    operator = await signUpByApi(server, { email: OPERATOR_EMAIL, name: 'Olga Operator' });
    for (const [name, scopes] of [['storefront', ['images:generate', 'credits:read']], ['catalogue sync', ['channels:read', 'channels:write']]] as const) {
      await apiOk(server.base, 'POST', `/api/v1/orgs/${operator.orgId}/api-keys`, 201, { token: operator.accessToken, body: { name, scopes } });
    }
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('serves a strict Content-Security-Policy with the page', async () => {
    const res = await fetch(`${server.base}/console/login`);
    const policy = res.headers.get('content-security-policy') ?? '';
    const scripts = policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src')) ?? policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('default-src'));
    expect(scripts, policy).toBeDefined();
    expect(scripts).not.toMatch(/unsafe-inline|unsafe-eval|\*|https?:/);
  });

  it('sign in, sign up and verify: accessible, without console errors or CSP violations', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await page.goto('/console/login');
    await page.getByRole('button', { name: 'Sign in' }).waitFor();
    await checkScreen(page, 'login');
    await screenshot(page, 'login');

    await page.goto('/console/signup');
    await page.getByRole('button', { name: 'Create account' }).waitFor();
    await checkScreen(page, 'signup');
    await screenshot(page, 'signup');

    const email = uniqueEmail('verify');
    await apiOk(server.base, 'POST', '/api/v1/auth/register', 201, { body: { email, password: PASSWORD, name: 'Vera Verified' } });
    await page.goto(`/console/verify?token=${encodeURIComponent(tokenOf(await server.mailedLink(email, 'verify')))}`);
    await page.getByText('Email verified').waitFor();
    await checkScreen(page, 'verify');
    await screenshot(page, 'verify');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('every screen in the nav: accessible, one h1, without console errors or CSP violations', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, OPERATOR_EMAIL);
    const entries = await navEntries(page);
    expect(entries.map(([name]) => name)).toContain('API keys');
    console.log(`screens in the nav: ${entries.map(([name, path]) => `${name} (${path})`).join(', ')}`);

    for (const [name, path] of entries) {
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true }).click();
      await page.waitForURL(`**${path}`);
      await checkScreen(page, path.replace(/^\/console\//, '').replaceAll('/', '-'), name);
    }

    // Each other screen's own suite pictures it with data of its kind; the keys are pictured here.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys', exact: true }).click();
    await page.getByRole('row').filter({ hasText: 'storefront' }).waitFor();
    await screenshot(page, 'keys');
    await page.getByRole('button', { name: 'Create key' }).click();
    const create = page.getByRole('dialog', { name: 'Create API key' });
    await create.getByLabel('Name').fill('studio backend');
    await create.getByRole('checkbox', { name: 'studio:process', exact: true }).check();
    await create.getByRole('checkbox', { name: 'jobs:read', exact: true }).check();
    await checkScreen(page, 'keys-create');
    await screenshot(page, 'keys-create');
    await create.getByRole('button', { name: 'Create' }).click();
    await create.getByRole('textbox', { name: 'Secret' }).waitFor();
    await checkScreen(page, 'keys-secret');
    await screenshot(page, 'keys-secret');

    expect(problems).toEqual([]);
    await context.close();
  });
});
