import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiOk, signUpByApi, type ApiUser } from './support/api';
import { describeInChromium, launchChromium } from './support/chromium';
import { startConsoleServer, type ConsoleServer } from './support/console-server';
import { batchOf, jobEnded } from './support/jobs';
import { expectAccessible, newConsoleContext, screenshot, scrollsSideways, signIn } from './support/pages';

const PHONE = { width: 375, height: 812 };
/** Eleven one-credit generations: 100 - 11 left, and 23 ledger entries (the starting grant, a reservation and a capture each). */
const JOBS = 11;

describeInChromium('the Credits screen', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let owner: ApiUser;

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    owner = await signUpByApi(server, { name: 'Spender' });
    const batch = await apiOk(server.base, 'POST', '/api/v1/jobs', 202, { token: owner.accessToken, body: batchOf(JOBS, { size: '256x256' }) });
    await jobEnded(server.base, owner.accessToken, batch.id);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows the balance, spending per day and per provider, and the ledger a page at a time', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, owner.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Credits', exact: true }).click();
    await page.waitForURL('**/console/credits');
    await page.getByRole('heading', { level: 1, name: 'Credits' }).waitFor();

    await page.getByRole('definition').first().waitFor();
    expect(await page.getByRole('term').allTextContents()).toEqual(['Balance', 'Reserved']);
    expect(await page.getByRole('definition').allTextContents()).toEqual([String(100 - JOBS), '0']);

    const chart = page.getByRole('img', { name: /^Credits spent per day/ });
    expect(await chart.getAttribute('aria-label')).toContain(`${JOBS} in all, at most ${JOBS} in a day`);
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'credits-usage');
    await page.getByText('Daily figures').click();
    const days = page.getByRole('region', { name: 'Daily figures table' }).getByRole('row');
    expect(await days.count()).toBe(31); // the header and 30 days
    const today = new Date().toISOString().slice(0, 10);
    expect(await days.last().getByRole('rowheader').textContent()).toBe(today);
    expect(await days.last().getByRole('cell').allTextContents()).toEqual([String(JOBS), '100', String(JOBS)]);

    const aura = page.getByRole('region', { name: 'Usage per provider table' }).getByRole('row').filter({ hasText: 'aura' });
    expect(await aura.getByRole('cell').allTextContents()).toEqual(['platform', String(JOBS), String(JOBS), '0', '0', String(JOBS), '—']);

    const ledger = page.getByRole('region', { name: 'Ledger table' }).getByRole('row');
    expect(await ledger.count()).toBe(21); // the header and the first page of 20
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => ledger.count()).toBe(1 + 1 + 2 * JOBS);
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect((await ledger.last().getByRole('cell').allTextContents()).slice(1, 4)).toEqual(['Starting grant', '+100', 'Starting credits of the Free plan']);
    await expectAccessible(page, 'credits');

    await page.getByLabel('Period').selectOption({ label: 'Last 7 days' });
    await expect.poll(() => days.count()).toBe(8);
    await page.getByText(`${JOBS} credits spent in 7 days.`).waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });

  it('fits a phone: no sideways scrolling, the tables scroll in their boxes', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base, PHONE);
    await signIn(page, owner.email);
    await page.goto('/console/credits');
    await page.getByRole('region', { name: 'Ledger table' }).getByRole('row').nth(1).waitFor();
    await page.getByText('Daily figures').click();
    await page.waitForLoadState('networkidle');
    expect(await scrollsSideways(page), 'the credits screen scrolls sideways').toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });
});
