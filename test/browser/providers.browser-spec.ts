import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FAKE_OPENAI_KEY, startOpenAIFake, type OpenAIFake } from '../../plugins/providers/openai/fake';
import { apiOk, joinWorkspace, signUpByApi, type ApiUser } from './support/api';
import { describeInChromium, launchChromium } from './support/chromium';
import { OPERATOR_EMAIL, startConsoleServer, type ConsoleServer } from './support/console-server';
import { expectAccessible, newConsoleContext, screenshot, scrollsSideways, signIn } from './support/pages';

describeInChromium('the providers screen', () => {
  let fake: OpenAIFake;
  let server: ConsoleServer;
  let browser: Browser;
  let operator: ApiUser;

  beforeAll(async () => {
    fake = await startOpenAIFake();
    // openai without a platform key: unconfigured, it serves only organisations that bring their own.
    server = await startConsoleServer({ PROVIDER_PLUGINS: 'aura,openai', OPENAI_BASE_URL: fake.url });
    browser = await launchChromium();
    operator = await signUpByApi(server, { email: OPERATOR_EMAIL, name: 'Olga Operator' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
  });

  it('says a plan without own keys has none, and offers no Add key', async () => {
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, OPERATOR_EMAIL);
    await page.goto('/console/providers');
    await page.getByText('Your plan does not include your own provider keys', { exact: false }).waitFor();
    await page.getByRole('row', { name: /OpenAI/ }).waitFor();
    expect(await page.getByRole('button', { name: 'Add key for OpenAI' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows health; saves an own key once the provider takes it (hint only), routes through it in the chosen order, then resets both', async () => {
    await apiOk(server.base, 'PATCH', `/api/v1/admin/orgs/${operator.orgId}`, 200, { token: operator.accessToken, body: { plan: 'pro' } });
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, OPERATOR_EMAIL);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Providers', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Providers' }).waitFor();
    const openai = page.getByRole('article', { name: 'OpenAI' });
    await openai.getByText('Unconfigured').waitFor();
    await page.getByRole('article', { name: 'Aura (built-in)' }).getByText('Healthy').waitFor();

    await page.getByRole('button', { name: 'Add key for OpenAI' }).click();
    const save = page.getByRole('dialog', { name: 'Save OpenAI key' });
    expect(await save.getByLabel('organization').inputValue()).toBe('');
    await save.getByLabel('apiKey').fill('sk-wrong-0123456789abcdef');
    await save.getByRole('button', { name: 'Save key' }).click();
    await expect.poll(() => save.getByRole('alert').textContent()).toMatch(/provider_credentials_rejected/);
    await save.getByLabel('apiKey').fill(FAKE_OPENAI_KEY);
    await save.getByRole('button', { name: 'Save key' }).click();
    await save.waitFor({ state: 'detached' });
    const keyRow = page.getByRole('row', { name: /OpenAI/ });
    await keyRow.getByText(`apiKey …${FAKE_OPENAI_KEY.slice(-4)}`).waitFor();
    await keyRow.getByText('healthy').waitFor();
    expect(await page.content()).not.toContain(FAKE_OPENAI_KEY);

    const generate = page.getByRole('article', { name: 'Generate' });
    await generate.getByLabel('Add a target to Generate').selectOption('openai/gpt-image-medium');
    await generate.getByRole('button', { name: 'Add', exact: true }).click();
    await generate.getByLabel('Add a target to Generate').selectOption('aura/aura');
    await generate.getByRole('button', { name: 'Add', exact: true }).click();
    await generate.getByRole('button', { name: 'Move aura/aura up' }).click();
    await generate.getByRole('button', { name: 'Save Generate route' }).click();
    await generate.getByText(/^Saved /).waitFor();
    expect(await generate.getByRole('list', { name: 'Generate route' }).getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('aura/aura'),
      expect.stringContaining('openai/gpt-image-medium'),
    ]);
    const policies = await apiOk(server.base, 'GET', `/api/v1/orgs/${operator.orgId}/routing-policies`, 200, { token: operator.accessToken });
    expect(policies.data).toEqual([expect.objectContaining({ operation: 'generate', targets: ['aura/aura', 'openai/gpt-image-medium'] })]);
    await expectAccessible(page, 'providers');
    await page.evaluate('window.scrollTo(0, 0)');
    await screenshot(page, 'providers');

    await page.setViewportSize({ width: 375, height: 800 });
    expect(await scrollsSideways(page)).toBe(false);
    await page.setViewportSize({ width: 1280, height: 800 });

    await generate.getByRole('button', { name: 'Use the default' }).click();
    await page.getByRole('dialog', { name: 'Remove the Generate policy' }).getByRole('button', { name: 'Confirm' }).click();
    await page.getByRole('article', { name: 'Generate' }).getByText(/^No policy/).waitFor();
    await page.getByRole('button', { name: 'Remove key for OpenAI' }).click();
    await page.getByRole('dialog', { name: 'Remove provider key' }).getByRole('button', { name: 'Confirm' }).click();
    await keyRow.getByRole('button', { name: 'Add key for OpenAI' }).waitFor();
    expect((await apiOk(server.base, 'GET', `/api/v1/orgs/${operator.orgId}/provider-credentials`, 200, { token: operator.accessToken })).data).toEqual([]);

    // Chromium reports the refused key's answer itself as a console error; nothing else may show there.
    expect(problems.filter((p) => !p.includes('status of 422'))).toEqual([]);
    await context.close();
  });

  it('shows a member without providers:write the routing but no way to change it, and no keys', async () => {
    const member = await signUpByApi(server, { name: 'Vic' });
    await joinWorkspace(server, operator, member, 'viewer');
    const { context, page, problems } = await newConsoleContext(browser, server.base);
    await signIn(page, member.email);
    await page.getByLabel('Organisation').selectOption({ label: operator.orgName });
    await page.goto('/console/providers');
    await page.getByRole('heading', { level: 2, name: 'Routing' }).waitFor();
    await page.getByRole('article', { name: 'Generate' }).waitFor();
    expect(await page.getByRole('button', { name: /^Save .* route$/ }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Your own keys (BYOK)' }).count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });
});
