import { createServer, type Server } from 'node:http';
import type { Browser } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { apiOk, signUpByApi, type ApiUser } from './support/api';
import { describeInChromium, launchChromium } from './support/chromium';
import { OPERATOR_EMAIL, startConsoleServer, type ConsoleServer } from './support/console-server';
import { expectAccessible, newConsoleContext, screenshot, signIn } from './support/pages';

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A webhook receiver on 127.0.0.1 that answers each POST with the next of `answers` (204 once they run out). */
async function startReceiver(answers: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body });
      const status = answers.shift() ?? 204;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status >= 300 ? 'not ready yet' : undefined);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hooks/darkroom`, received, server };
}

describeInChromium('the webhooks screen', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let operator: ApiUser;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;

  beforeAll(async () => {
    // The receiver is on 127.0.0.1, so the server must be let call it; one attempt per delivery, so a refused one fails at once.
    server = await startConsoleServer({ ALLOW_PRIVATE_URLS: 'true', WEBHOOK_RETRY_SCHEDULE: '0' });
    browser = await launchChromium();
    operator = await signUpByApi(server, { email: OPERATOR_EMAIL, name: 'Olga Operator' });
    // The first delivery is refused, the redelivery accepted.
    receiver = await startReceiver([500]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await new Promise((resolve) => receiver?.server.close(resolve));
  });

  it('refuses an endpoint on a plan without webhooks with the API message and code', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, OPERATOR_EMAIL);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add webhook endpoint' });
    await dialog.getByLabel('URL').fill(receiver.url);
    await dialog.getByRole('button', { name: 'Add endpoint' }).click();
    const alert = dialog.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/does not include webhooks.*plan_limit/);
    // Chromium reports the refused request itself as a console error; nothing else may show there.
    expect(problems.filter((p) => !p.includes('status of 403'))).toEqual([]);
    await context.close();
  });

  it('adds an endpoint whose secret, shown once, verifies its deliveries; shows the log, a delivery and redelivers it; edits, rotates, deletes', async () => {
    await apiOk(server.base, 'PATCH', `/api/v1/admin/orgs/${operator.orgId}`, 200, { token: operator.accessToken, body: { plan: 'pro' } });
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, OPERATOR_EMAIL);
    await page.goto('/console/webhooks');
    await page.getByText('No endpoints yet.').waitFor();

    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const add = page.getByRole('dialog', { name: 'Add webhook endpoint' });
    await add.getByLabel('URL').fill(receiver.url);
    await add.getByLabel('Description').fill('shop backend');
    // Every event is chosen to begin with, as the API's default.
    expect(await add.getByRole('checkbox', { name: 'job.completed', exact: true }).isChecked()).toBe(true);
    await add.getByRole('checkbox', { name: 'credits.low', exact: true }).uncheck();
    await add.getByRole('checkbox', { name: 'channel.needs_attention', exact: true }).uncheck();
    await expectAccessible(page, 'webhooks-add');
    await add.getByRole('button', { name: 'Add endpoint' }).click();
    const secretField = add.getByRole('textbox', { name: 'Secret' });
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^whsec_/);
    await add.getByText('shown once').waitFor();
    await add.getByRole('button', { name: 'Done' }).click();

    const endpointRow = page.getByRole('region', { name: 'Endpoints table' }).getByRole('row').filter({ hasText: receiver.url });
    await endpointRow.waitFor();
    expect(await endpointRow.textContent()).toContain('shop backend');
    expect(await endpointRow.textContent()).not.toContain('credits.low');
    expect(await endpointRow.textContent()).toContain('enabled');
    expect(await page.content()).not.toContain(secret);

    // A job that completes is announced; the secret from the console verifies the signature.
    const job = await apiOk(server.base, 'POST', '/api/v1/images/generations', 202, { token: operator.accessToken, orgId: operator.orgId, body: { prompt: 'amber dunes' } });
    await expect.poll(() => receiver.received.length, { timeout: 30_000 }).toBe(1);
    const event = new Webhook(secret).verify(receiver.received[0].body, receiver.received[0].headers) as { type: string; data: { id: string } };
    expect(event).toMatchObject({ type: 'job.completed', data: { id: job.id } });

    const log = page.getByRole('region', { name: 'Delivery log table' });
    const deliveryRow = log.getByRole('row').filter({ hasText: 'job.completed' });
    await expect.poll(async () => {
      await page.getByRole('button', { name: 'Refresh' }).click();
      return (await deliveryRow.count()) === 1 && /failed/.test((await deliveryRow.textContent())!);
    }, { timeout: 15_000 }).toBe(true);
    expect(await deliveryRow.textContent()).toContain('500');
    await screenshot(page, 'webhooks-log');

    const filters = page.getByRole('group', { name: 'Delivery log filters' });
    await filters.getByLabel('Status').selectOption('succeeded');
    await page.getByText('No deliveries match these filters.').waitFor();
    await filters.getByLabel('Status').selectOption('failed');
    await deliveryRow.waitFor();
    await filters.getByLabel('Endpoint').selectOption({ label: receiver.url });
    await deliveryRow.waitFor();

    await deliveryRow.getByRole('button', { name: /^Details/ }).click();
    const detail = page.getByRole('dialog', { name: 'Webhook delivery' });
    await detail.getByText('not ready yet').waitFor();
    expect(await detail.getByLabel('Payload').textContent()).toContain(job.id);
    await expectAccessible(page, 'webhooks-delivery');
    await screenshot(page, 'webhooks-delivery');
    await detail.getByRole('button', { name: 'Redeliver' }).click();
    await expect.poll(() => detail.getByRole('status').textContent(), { timeout: 15_000 }).toBe('Sent again: succeeded.');
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1].headers['webhook-id']).toBe(receiver.received[0].headers['webhook-id']);
    expect(await detail.getByRole('listitem').count()).toBe(2);
    await detail.getByRole('button', { name: 'Close' }).click();
    // The log, filtered on failed, has caught up: the delivery succeeded.
    await page.getByText('No deliveries match these filters.').waitFor();
    await filters.getByLabel('Status').selectOption('');

    await endpointRow.getByRole('button', { name: /^Edit/ }).click();
    const edit = page.getByRole('dialog', { name: 'Edit webhook endpoint' });
    expect(await edit.getByLabel('URL').inputValue()).toBe(receiver.url);
    await edit.getByRole('checkbox', { name: 'Enabled', exact: true }).uncheck();
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => endpointRow.textContent()).toContain('disabled by you');

    await endpointRow.getByRole('button', { name: /^Rotate secret/ }).click();
    await page.getByRole('dialog', { name: 'Rotate signing secret' }).getByRole('button', { name: 'Confirm' }).click();
    const rotated = page.getByRole('dialog', { name: 'Signing secret rotated' });
    const newSecret = await rotated.getByRole('textbox', { name: 'Secret' }).inputValue();
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(secret);
    await rotated.getByRole('button', { name: 'Done' }).click();

    await endpointRow.getByRole('button', { name: /^Delete/ }).click();
    await page.getByRole('dialog', { name: 'Delete webhook endpoint' }).getByRole('button', { name: 'Confirm' }).click();
    await page.getByText('No endpoints yet.').waitFor();
    await page.getByText('No deliveries yet.').waitFor();

    // The default secret (a job's own webhookUrl): made here, shown once.
    const defaultSecret = page.getByRole('region', { name: 'Default secret' });
    await defaultSecret.getByText('Not made yet.').waitFor();
    await defaultSecret.getByRole('button', { name: 'Create default secret' }).click();
    await page.getByRole('dialog', { name: 'Rotate signing secret' }).getByRole('button', { name: 'Confirm' }).click();
    expect(await page.getByRole('dialog', { name: 'Signing secret rotated' }).getByRole('textbox', { name: 'Secret' }).inputValue()).toMatch(/^whsec_/);
    await page.getByRole('dialog', { name: 'Signing secret rotated' }).getByRole('button', { name: 'Done' }).click();
    await defaultSecret.getByText(/^Created /).waitFor();

    expect(problems).toEqual([]);
    await context.close();
  });
});
