import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, PASSWORD, uniqueEmail } from './support/api';
import { describeInChromium, launchChromium } from './support/chromium';
import { startConsoleServer, type ConsoleServer } from './support/console-server';
import { newConsoleContext, signIn } from './support/pages';

describeInChromium('a new user gets a first API key in the console', () => {
  let server: ConsoleServer;
  let browser: Browser;

  beforeAll(async () => {
    server = await startConsoleServer();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs up, verifies from the mail, signs in, creates a key shown once, uses it, revokes it and signs out', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const email = uniqueEmail('first-key');

    await page.goto('/console/signup');
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Check your email').waitFor();

    // The mailed link, opened as it is: the API sends a browser on to the console's verify page.
    await page.goto(await server.mailedLink(email, 'verify'));
    await page.waitForURL('**/console/verify?token=*');
    await page.getByText('Email verified').waitFor();
    await page.getByRole('link', { name: 'Sign in' }).click();
    await page.waitForURL('**/console/login');
    await signIn(page, email);

    await page.getByRole('button', { name: 'Create key' }).click();
    const create = page.getByRole('dialog', { name: 'Create API key' });
    await create.getByLabel('Name').fill('storefront');
    await create.getByRole('checkbox', { name: 'images:generate', exact: true }).check();
    await create.getByRole('checkbox', { name: 'credits:read', exact: true }).check();
    await create.getByRole('button', { name: 'Create' }).click();
    const secretField = page.getByRole('textbox', { name: 'Secret' });
    await secretField.waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^drk_/);
    expect(await secretField.getAttribute('readonly')).not.toBeNull();
    await create.getByText('shown once').waitFor();
    await page.getByRole('button', { name: 'Copy' }).click();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(secret);

    const me = await api(server.base, 'GET', '/api/v1/me', { token: secret });
    expect(me.status).toBe(200);
    expect([...me.body.credential.scopes].sort()).toEqual(['credits:read', 'images:generate']);

    // Shown once: once the dialog is closed, and after a reload, the table lists the key but not its secret.
    await page.keyboard.press('Escape');
    const row = page.getByRole('row').filter({ hasText: 'storefront' });
    await row.waitFor();
    expect(await create.count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    await page.reload();
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);
    expect(await row.textContent()).toContain(/^drk_[a-z]+_[0-9A-Za-z]{6}/.exec(secret)![0]);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => row.textContent()).toMatch(/revoked/i);

    const refused = await api(server.base, 'GET', '/api/v1/me', { token: secret });
    expect(refused.status).toBe(401);
    expect(refused.body.error.code).toBe('invalid_api_key');

    // Signing out ends the session for good: the refresh cookie is gone, so a signed-in screen sends to sign-in.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL('**/console/login');
    expect(await context.cookies()).toEqual([]);
    await page.goto('/console/keys');
    await page.waitForURL('**/console/login');
    expect(problems).toEqual([]);
    await context.close();
  });
});
