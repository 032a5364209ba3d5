import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiOk, signUpByApi, type ApiUser } from './support/api';
import { describeInChromium, launchChromium } from './support/chromium';
import { startConsoleServer, type ConsoleServer } from './support/console-server';
import { newConsoleContext, scrollsSideways, signIn } from './support/pages';

const PHONE = { width: 375, height: 812 };

describeInChromium('the console 375 px wide', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let user: ApiUser;

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    user = await signUpByApi(server, { name: 'Pocket' });
    const key = { name: 'a key with a rather long name for a narrow screen', scopes: ['images:generate', 'credits:read', 'keys:read'] };
    await apiOk(server.base, 'POST', `/api/v1/orgs/${user.orgId}/api-keys`, 201, { token: user.accessToken, body: key });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('keeps the nav behind "Menu" and scrolls no screen sideways', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base, PHONE);
    await page.goto('/console/login');
    expect(await scrollsSideways(page), 'sign-in screen scrolls sideways').toBe(false);
    await signIn(page, user.email);
    await page.getByRole('row').filter({ hasText: 'a key with a rather long name' }).waitFor();
    expect(await scrollsSideways(page), 'API keys screen scrolls sideways').toBe(false);

    const nav = page.getByRole('navigation', { name: 'Main' });
    expect(await nav.getByRole('link', { name: 'API keys', exact: true }).isVisible()).toBe(false);
    const menu = page.getByRole('button', { name: 'Menu' });
    await menu.click();
    await nav.getByRole('link', { name: 'API keys', exact: true }).waitFor();
    const names = await nav.getByRole('link').allTextContents();

    // API keys, the screen open now, was checked above. Each step waits until the navigation has closed the menu (it closes
    // after the new location renders), so the next one opens it from a known state instead of racing the close.
    for (const name of names.map((n) => n.trim()).filter((n) => n !== 'API keys')) {
      if ((await menu.getAttribute('aria-expanded')) !== 'true') await menu.click();
      const link = nav.getByRole('link', { name, exact: true });
      const href = await link.getAttribute('href');
      await link.click();
      await page.waitForURL((url) => url.pathname === href);
      await expect.poll(() => menu.getAttribute('aria-expanded')).toBe('false');
      await page.getByRole('heading', { level: 1 }).waitFor();
      await page.waitForLoadState('networkidle');
      expect(await scrollsSideways(page), `${name} scrolls sideways`).toBe(false);
    }
    expect(problems).toEqual([]);
    await context.close();
  });
});
