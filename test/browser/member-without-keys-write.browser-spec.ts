import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, apiOk, joinWorkspace, signUpByApi, type ApiUser } from './support/api';
import { describeInChromium, launchChromium } from './support/chromium';
import { startConsoleServer, type ConsoleServer } from './support/console-server';
import { newConsoleContext, signIn } from './support/pages';

describeInChromium('a member without keys:write', () => {
  let server: ConsoleServer;
  let browser: Browser;
  let owner: ApiUser;
  let viewer: ApiUser;
  let keyId: string;

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
    // The owner's workspace has a key, and a viewer (keys:read, not keys:write) joins it by invitation.
    owner = await signUpByApi(server, { name: 'Owner' });
    keyId = (await apiOk(server.base, 'POST', `/api/v1/orgs/${owner.orgId}/api-keys`, 201, { token: owner.accessToken, body: { name: 'owner key', scopes: ['credits:read'] } })).id;
    viewer = await signUpByApi(server, { name: 'Viewer' });
    await joinWorkspace(server, owner, viewer, 'viewer');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sees the keys but no way to create, revoke or rotate them, and the API refuses when forced', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, viewer.email);
    await page.getByLabel('Organisation').selectOption({ label: owner.orgName });
    await page.getByRole('row').filter({ hasText: 'owner key' }).waitFor();
    await page.waitForLoadState('networkidle'); // the scopes (GET /api/v1/me) may arrive after the keys

    expect(await page.getByRole('button', { name: 'Create key' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Revoke' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Rotate' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();

    const created = await api(server.base, 'POST', `/api/v1/orgs/${owner.orgId}/api-keys`, { token: viewer.accessToken, body: { name: 'forced', scopes: ['credits:read'] } });
    expect(created.status).toBe(403);
    expect(created.body.error.code).toBe('insufficient_scope');
    const revoked = await api(server.base, 'DELETE', `/api/v1/orgs/${owner.orgId}/api-keys/${keyId}`, { token: viewer.accessToken });
    expect(revoked.status).toBe(403);
  });

  it('in its own workspace, where it is owner, has the button', async () => {
    const { context, page } = await newConsoleContext(browser, server.base);
    await signIn(page, viewer.email);
    await page.getByLabel('Organisation').selectOption({ label: viewer.orgName });
    await page.getByRole('button', { name: 'Create key' }).waitFor();
    await context.close();
  });
});
