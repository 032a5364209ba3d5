import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiOk, joinWorkspace, signUpByApi, type ApiUser } from './support/api';
import { describeInChromium, launchChromium } from './support/chromium';
import { OPERATOR_EMAIL, startConsoleServer, type ConsoleServer } from './support/console-server';
import { expectAccessible, newConsoleContext, screenshot, signIn } from './support/pages';

const run = promisify(execFile);

/** A red box on a grey backdrop: something for /process to cut out. */
const productPhoto = () =>
  sharp(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480"><rect width="640" height="480" fill="#e4e4e4"/><rect x="200" y="140" width="240" height="200" fill="#c0392b"/></svg>'))
    .jpeg()
    .toBuffer();

async function openTester(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API tester', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: 'API tester' }).waitFor();
  await page.getByLabel('Operation').waitFor();
}

const send = (page: Page) => page.getByRole('button', { name: 'Send', exact: true }).click();
const responseArea = (page: Page) => page.getByRole('region', { name: 'Response', exact: true });
const highlight = (page: Page, label: string) => responseArea(page).locator('dt', { hasText: label }).locator('xpath=following-sibling::dd[1]');
const naturalWidth = (page: Page, name: string) => page.getByRole('img', { name, exact: true }).first().evaluate((img) => img.complete && img.naturalWidth);

async function copiedCurl(page: Page): Promise<string> {
  await page.getByRole('button', { name: 'Copy as curl' }).click();
  await page.getByText('Copied: set KEY').waitFor();
  return (await page.evaluate('navigator.clipboard.readText()')) as string;
}

describeInChromium('the API tester', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let operator: ApiUser;
  let viewer: ApiUser;
  let folder: string;

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    operator = await signUpByApi(server, { email: OPERATOR_EMAIL, name: 'Olga Operator' });
    viewer = await signUpByApi(server, { name: 'Viewer' });
    await joinWorkspace(server, operator, viewer, 'viewer');
    folder = mkdtempSync(join(tmpdir(), 'darkroom-tester-'));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('runs a process call with the session: status, rate limit, JSON and the output image; its curl, run with a key, does the same', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await signIn(page, OPERATOR_EMAIL);
    await openTester(page);
    await expectAccessible(page, 'tester');

    await page.getByLabel('Operation').selectOption({ label: 'Process' });
    expect(await page.getByLabel('Body as').inputValue()).toBe('multipart/form-data');
    const photo = await productPhoto();
    await page.getByLabel(/^image/).setInputFiles([{ name: 'product.jpg', mimeType: 'image/jpeg', buffer: photo }]);
    await page.getByLabel(/^width/).fill('600');
    await page.getByLabel(/^height/).fill('400');
    await page.getByLabel(/^format/).selectOption('png');
    await send(page);

    await responseArea(page).locator('.response-status').waitFor({ timeout: 60_000 });
    expect(await responseArea(page).locator('.response-status strong').textContent()).toBe('200');
    expect(await highlight(page, 'Rate limit').textContent()).toMatch(/^4 of 5 left; the window resets in \d+ s$/);
    expect(await highlight(page, 'Idempotent replay').textContent()).toBe('no');
    const body = JSON.parse((await page.getByRole('region', { name: 'Response body' }).textContent())!);
    expect(body).toMatchObject({ width: 600, height: 400, format: 'png', cost: 1 });
    await expect.poll(() => naturalWidth(page, 'Output 1')).toBe(600);

    const curl = await copiedCurl(page);
    expect(curl).toBe(
      [
        `curl -i -X POST '${server.base}/api/v1/process'`,
        '-H "authorization: Bearer $KEY"',
        `-H 'x-org-id: ${operator.orgId}'`,
        "-F 'width=600'",
        "-F 'height=400'",
        "-F 'format=png'",
        "-F 'image=@product.jpg'",
      ].join(' \\\n  '),
    );
    // As copied, in a folder with the photo, with a key in KEY: the same request.
    writeFileSync(join(folder, 'product.jpg'), photo);
    const key = await apiOk(server.base, 'POST', `/api/v1/orgs/${operator.orgId}/api-keys`, 201, { token: operator.accessToken, body: { name: 'curl', scopes: ['studio:process'] } });
    const { stdout } = await run('sh', ['-c', curl], { cwd: folder, env: { ...process.env, KEY: key.secret } });
    expect(stdout).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(JSON.parse(stdout.slice(stdout.indexOf('\r\n\r\n')))).toMatchObject({ width: 600, height: 400, format: 'png' });

    expect(problems).toEqual([]);
    await context.close();
  });

  it('sends with a pasted API key, follows the 202 job to its image, and replays the answer for the same Idempotency-Key', async () => {
    const key = await apiOk(server.base, 'POST', `/api/v1/orgs/${operator.orgId}/api-keys`, 201, { token: operator.accessToken, body: { name: 'tester', scopes: ['images:generate', 'jobs:read'] } });
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await signIn(page, OPERATOR_EMAIL);
    await openTester(page);

    await page.getByLabel('Operation').selectOption({ label: 'Generate' });
    await page.getByLabel(/^prompt/).fill('a teal lighthouse at dusk');
    await page.getByLabel(/^size/).fill('512x512');
    await page.getByLabel(/^Idempotency-Key/).fill('tester-lighthouse');
    await page.getByLabel('API key').fill(key.secret);
    await send(page);

    const job = page.getByRole('region', { name: 'The job' });
    await job.getByText('completed', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await responseArea(page).locator('.response-status strong').textContent()).toBe('202');
    await expect.poll(() => naturalWidth(page, 'Output 1')).toBe(512);
    const created = JSON.parse((await page.getByRole('region', { name: 'Response body' }).textContent())!);

    await send(page);
    await highlight(page, 'Idempotent replay').getByText(/^yes/).waitFor();
    expect(JSON.parse((await page.getByRole('region', { name: 'Response body' }).textContent())!).id).toBe(created.id);
    await job.getByText('completed', { exact: true }).waitFor();

    // A key belongs to its organisation: the copied request names none, and never the key itself.
    const curl = await copiedCurl(page);
    expect(curl).not.toContain('x-org-id');
    expect(curl).not.toContain(key.secret);
    expect(curl).toContain(`-H 'Idempotency-Key: tester-lighthouse'`);
    expect(curl).toContain(`--data-raw '{"prompt":"a teal lighthouse at dusk","size":"512x512"}'`);

    await expectAccessible(page, 'tester-job');
    await screenshot(page, 'tester-job');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('tells a viewer its session lacks the scope and takes a key instead', async () => {
    const key = await apiOk(server.base, 'POST', `/api/v1/orgs/${operator.orgId}/api-keys`, 201, { token: operator.accessToken, body: { name: 'jobs reader', scopes: ['jobs:read'] } });
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, viewer.email);
    await page.getByLabel('Organisation').selectOption({ label: operator.orgName });
    await openTester(page);

    await page.getByLabel('Operation').selectOption({ label: 'Process' });
    await page.getByText('Your session lacks studio:process').waitFor();
    expect(await page.getByRole('button', { name: 'Send', exact: true }).isDisabled()).toBe(true);
    await page.getByLabel('API key').fill(key.secret);
    expect(await page.getByRole('button', { name: 'Send', exact: true }).isEnabled()).toBe(true);

    // Its own answers for what the viewer may do: the jobs list, with the session.
    await page.getByLabel('API key').fill('');
    await page.getByLabel('Operation').selectOption({ label: 'List jobs' });
    await page.getByLabel(/^status/).selectOption('completed');
    await send(page);
    await responseArea(page).locator('.response-status strong').getByText('200').waitFor();
    expect(JSON.parse((await page.getByRole('region', { name: 'Response body' }).textContent())!)).toMatchObject({ data: expect.any(Array) });
    expect(problems).toEqual([]);
    await context.close();
  });
});
