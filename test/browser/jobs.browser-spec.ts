import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, apiOk, joinWorkspace, signUpByApi, type ApiUser } from './support/api';
import { describeInChromium, launchChromium } from './support/chromium';
import { startConsoleServer, type ConsoleServer } from './support/console-server';
import { batchOf, jobEnded } from './support/jobs';
import { expectAccessible, newConsoleContext, screenshot, scrollsSideways, signIn } from './support/pages';

/** Four 1024 px sketches take aura seconds: a batch of three of them (two run at once on the free plan) runs long enough to watch and cancel. */
const SLOW = { size: '1024x1024', n: 4, style: 'sketch' };
const QUICK = { size: '256x256' };
const PHONE = { width: 375, height: 812 };

describeInChromium('the Jobs screens', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let owner: ApiUser;
  let viewer: ApiUser;
  /** A finished generation with one output. */
  let doneId: string;

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    owner = await signUpByApi(server, { name: 'Jobber' });
    doneId = (await apiOk(server.base, 'POST', '/api/v1/jobs', 202, { token: owner.accessToken, body: { operation: 'images.generate', prompt: 'a red lighthouse', ...QUICK } })).id;
    await jobEnded(server.base, owner.accessToken, doneId);
    // Twenty more jobs and their batch: more than the list's first page.
    const batch = await apiOk(server.base, 'POST', '/api/v1/jobs', 202, { token: owner.accessToken, body: batchOf(20, QUICK) });
    await jobEnded(server.base, owner.accessToken, batch.id);

    viewer = await signUpByApi(server, { name: 'Watcher' });
    await joinWorkspace(server, owner, viewer, 'viewer');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('lists jobs a page at a time, filters them, and shows a job with its output and steps', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, owner.email);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs', exact: true }).click();
    await page.waitForURL('**/console/jobs');
    await page.getByRole('heading', { level: 1, name: 'Jobs' }).waitFor();

    const table = page.getByRole('region', { name: 'Jobs table' });
    await table.getByRole('row').nth(1).waitFor();
    expect(await table.getByRole('row').count()).toBe(21); // the header and the first page
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'jobs-list');
    await page.getByRole('button', { name: 'Load more' }).click();
    const done = table.getByRole('row').filter({ hasText: doneId });
    await done.waitFor();
    expect(await table.getByRole('row').count()).toBe(23); // 22 jobs: the generation, the batch, its 20 items
    expect(await page.getByRole('button', { name: 'Load more' }).count()).toBe(0);
    expect(await done.getByRole('cell').allTextContents()).toEqual([doneId, 'images.generate', 'completed', '—', expect.any(String), '1', '—']);
    await expectAccessible(page, 'jobs');

    await page.getByLabel('Type').selectOption('batch');
    await table.getByRole('row').filter({ hasText: 'batch' }).waitFor();
    expect(await table.getByRole('row').count()).toBe(2);
    await page.getByLabel('Status').selectOption('failed');
    await table.getByText('No jobs match these filters.').waitFor();
    await page.getByLabel('Status').selectOption('');
    await page.getByLabel('Type').selectOption('');

    await table.getByRole('link', { name: doneId }).click();
    await page.waitForURL(`**/console/jobs/${doneId}`);
    await page.getByRole('heading', { level: 1, name: `Job ${doneId}` }).waitFor();
    const output = page.getByRole('img', { name: /^Output 1: 256×256, png/ });
    await expect.poll(() => output.evaluate((img) => img.complete && img.naturalWidth)).toBe(256);
    const step = page.getByRole('region', { name: 'Steps table' }).getByRole('row').nth(1);
    expect((await step.getByRole('cell').allTextContents()).slice(0, 4)).toEqual(['aura/aura', 'platform', '1', 'succeeded']);
    await page.waitForLoadState('networkidle');
    await expectAccessible(page, 'job');
    await screenshot(page, 'jobs-detail');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('follows a running batch and cancels it', async () => {
    const batch = await apiOk(server.base, 'POST', '/api/v1/jobs', 202, { token: owner.accessToken, body: batchOf(3, SLOW) });
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, owner.email);
    await page.goto(`/console/jobs/${batch.id}`);
    await page.getByRole('heading', { level: 1, name: `Job ${batch.id}` }).waitFor();
    const progress = page.getByRole('progressbar', { name: `Progress of job ${batch.id}` });
    expect(await progress.getAttribute('max')).toBe('3');
    expect(await page.getByRole('region', { name: 'Items' }).getByRole('listitem').count()).toBe(3);
    await expectAccessible(page, 'job-running');

    await page.getByRole('button', { name: 'Cancel', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel job' });
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'detached' });
    // The page reads the job again until it ends: no reload.
    await page.getByRole('definition').filter({ hasText: /^canceled$/ }).waitFor({ timeout: 30_000 });
    expect(await page.getByRole('button', { name: 'Cancel', exact: true }).count()).toBe(0);
    expect((await jobEnded(server.base, owner.accessToken, batch.id)).status).toBe('canceled');

    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows a viewer (jobs:read without jobs:cancel) no Cancel, and the API refuses it', async () => {
    const batch = await apiOk(server.base, 'POST', '/api/v1/jobs', 202, { token: owner.accessToken, body: batchOf(3, SLOW) });
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, viewer.email);
    await page.getByLabel('Organisation').selectOption({ label: owner.orgName });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Jobs', exact: true }).click();
    const row = page.getByRole('region', { name: 'Jobs table' }).getByRole('row').filter({ hasText: batch.id });
    await row.waitFor();
    await page.waitForLoadState('networkidle');
    expect(await row.getByRole('cell').nth(2).textContent()).toBe('processing');
    expect(await page.getByRole('columnheader', { name: 'Actions' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^Cancel/ }).count()).toBe(0);
    await row.getByRole('link', { name: batch.id }).click();
    await page.getByRole('heading', { level: 1, name: `Job ${batch.id}` }).waitFor();
    await page.getByRole('definition').filter({ hasText: /^processing$/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Cancel', exact: true }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();

    const forced = await api(server.base, 'POST', `/api/v1/jobs/${batch.id}/cancel`, { token: viewer.accessToken, orgId: owner.orgId });
    expect(forced.status).toBe(403);
    expect(forced.body.error.code).toBe('insufficient_scope');
    await apiOk(server.base, 'POST', `/api/v1/jobs/${batch.id}/cancel`, 200, { token: owner.accessToken });
    await jobEnded(server.base, owner.accessToken, batch.id);
  });

  it('fits a phone: the list and a job scroll no wider than the screen', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base, PHONE);
    await signIn(page, owner.email);
    await page.goto('/console/jobs');
    await page.getByRole('region', { name: 'Jobs table' }).getByRole('row').nth(1).waitFor();
    expect(await scrollsSideways(page), 'the jobs list scrolls sideways').toBe(false);
    await page.goto(`/console/jobs/${doneId}`);
    await page.getByRole('img', { name: /^Output 1/ }).waitFor();
    expect(await scrollsSideways(page), 'a job scrolls sideways').toBe(false);
    expect(problems).toEqual([]);
    await context.close();
  });
});
