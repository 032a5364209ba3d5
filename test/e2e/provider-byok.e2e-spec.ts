import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OPENAI_KEY, startOpenAIFake, type OpenAIFake } from '../../plugins/providers/openai/fake';
import { bearer, createKey, settledCredits, signUp, type TestUser } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

/** A CONFIG_DIR with aura and an openai id pointed at the fake, without a key of the platform's: only organisations' own keys reach it. */
function configDir(fake: OpenAIFake): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-byok-'));
  writeFileSync(join(dir, 'default.yaml'), `plugins:\n  providers:\n    - aura\n    - { id: openai, options: { baseUrl: "${fake.url}" } }\n`);
  return dir;
}

const WRONG_KEY = 'sk-wrong-0123456789abcdef';
/** One gpt-image-medium image of 1024x1024 at the model's price, against the platform fee on an organisation's own key. */
const GENERATION = { prompt: 'a teal teapot on oak', provider: 'openai', model: 'gpt-image-medium', size: '1024x1024', format: 'png' };

describe('bring your own provider key (BYOK)', () => {
  let fake: OpenAIFake;
  let t: TestApp;
  let operator: TestUser;
  let owner: TestUser;
  let other: TestUser;
  let key: string;
  const path = (orgId: string, provider = '') => `/api/v1/orgs/${orgId}/provider-credentials${provider ? `/${provider}` : ''}`;
  /** Every answer the suite received, to show neither key ever came back in one. */
  const answers: string[] = [];
  const seen = <T extends { text: string }>(res: T) => (answers.push(res.text), res);
  const put = async (user: TestUser, credentials: Record<string, unknown>, provider = 'openai', orgId = user.orgId) =>
    seen(await t.http().put(path(orgId, provider)).set(bearer(user.accessToken)).send({ credentials }));
  const list = async (user: TestUser, orgId = user.orgId) => seen(await t.http().get(path(orgId)).set(bearer(user.accessToken)));
  const toPro = (orgId: string) => t.http().patch(`/api/v1/admin/orgs/${orgId}`).set(bearer(operator.accessToken)).send({ plan: 'pro' }).expect(200);
  const credits = async () => (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body as { creditsBalance: number; reserved: number };
  async function finished(jobId: string) {
    for (const started = Date.now(); Date.now() - started < 30_000;) {
      const job = seen(await t.http().get(`/api/v1/jobs/${jobId}`).set(bearer(key)).expect(200)).body;
      if (!['queued', 'processing'].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${jobId} did not finish`);
  }
  const generate = async () => finished(seen(await t.http().post('/api/v1/images/generations').set(bearer(key)).send(GENERATION).expect(202)).body.id);
  /** The Authorization of each image call the fake received. */
  const imageCallKeys = () => fake.requests.filter((r) => r.method === 'POST').map((r) => r.headers.authorization);

  beforeAll(async () => {
    fake = await startOpenAIFake();
    const operatorEmail = `operator-${Date.now().toString(36)}@example.com`;
    t = await startTestApp({ CONFIG_DIR: configDir(fake), ADMIN_EMAILS: operatorEmail });
    operator = await signUp(t, { email: operatorEmail });
    [owner, other] = [await signUp(t), await signUp(t)];
    await toPro(owner.orgId);
    await toPro(other.orgId);
    key = (await createKey(t, owner.accessToken, owner.orgId, { name: 'byok', scopes: ['images:generate', 'images:read', 'jobs:read', 'credits:read'] })).secret;
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  it('refuses a key the provider refuses, in its words, and saves nothing', async () => {
    const res = await put(owner, { apiKey: WRONG_KEY });
    expect(res.status).toBe(422);
    expect(res.body.error).toMatchObject({ code: 'provider_credentials_rejected', provider: 'openai', message: expect.stringMatching(/^openai refused the key: .*Incorrect API key/) });
    expect(fake.requests.at(-1)!.headers.authorization).toBe(`Bearer ${WRONG_KEY}`);
    expect((await list(owner)).body).toEqual({ data: [] });
  });

  it('checks the fields against the plugin, naming each', async () => {
    const res = await put(owner, { apiKey: '', colour: 'teal' });
    expect(res.status).toBe(400);
    expect(res.body.error.fields.map((f: { field: string }) => f.field).sort()).toEqual(['credentials.apiKey', 'credentials.colour']);
    expect((await put(owner, { apiKey: 42 })).body.error).toMatchObject({ code: 'validation_failed', fields: [expect.objectContaining({ field: 'credentials.apiKey' })] });
  });

  it('takes keys only for a configured provider id whose plugin allows them', async () => {
    expect((await put(owner, { apiKey: FAKE_OPENAI_KEY }, 'nowhere')).body.error).toMatchObject({ code: 'invalid_model', message: 'Unknown provider "nowhere"', available: ['openai'] });
    const aura = await put(owner, { apiKey: FAKE_OPENAI_KEY }, 'aura');
    expect(aura.status).toBe(409);
    expect(aura.body.error.message).toBe(`The provider "aura" does not take organisations' own keys; these do: openai`);
  });

  it('is a feature of the plan (403 plan_limit on free) and for owners and admins only', async () => {
    const free = await signUp(t);
    expect((await put(free, { apiKey: FAKE_OPENAI_KEY })).body.error).toMatchObject({ code: 'plan_limit', feature: 'byok' });
    const developer = await signUp(t);
    await t.http().post(`/api/v1/orgs/${owner.orgId}/invitations`).set(bearer(owner.accessToken)).send({ email: developer.email, role: 'developer' }).expect(201);
    const token = /invitations\/([^/]+)\/accept/.exec((await t.mailTo(developer.email))[0].text)![1];
    await t.http().post(`/api/v1/invitations/${token}/accept`).set(bearer(developer.accessToken)).expect(200);
    const refused = await put(developer, { apiKey: FAKE_OPENAI_KEY }, 'openai', owner.orgId);
    expect(refused.status).toBe(403);
    expect(refused.body.error).toMatchObject({ code: 'insufficient_scope', requiredScope: 'org:admin' });
    expect((await list(developer, owner.orgId)).status).toBe(403);
  });

  it('verifies a good key with the provider, answers hints only, and keeps it sealed in the database', async () => {
    const checks = fake.requests.length;
    const res = await put(owner, { apiKey: FAKE_OPENAI_KEY });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ provider: 'openai', hint: { apiKey: `…${FAKE_OPENAI_KEY.slice(-4)}` }, createdBy: owner.userId, createdAt: expect.any(String), updatedAt: expect.any(String), verifiedAt: expect.any(String), status: 'healthy' });
    expect(fake.requests.slice(checks).map((r) => [r.method, r.url.split('?')[0], r.headers.authorization])).toEqual([['GET', '/v1/models/gpt-image-1.5', `Bearer ${FAKE_OPENAI_KEY}`]]);
    expect((await list(owner)).body).toEqual({ data: [res.body] });

    const rows = await t.app.get(EntityManager).fork().getConnection().execute<Record<string, unknown>[]>('select * from provider_credentials');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ org_id: owner.orgId, provider: 'openai', sealed_values: expect.stringMatching(/^v1\./) });
    expect(JSON.stringify(rows)).not.toContain(FAKE_OPENAI_KEY);
  });

  it('runs the organisation’s generations on its key, charged the platform fee only', async () => {
    const before = await credits();
    const job = await generate();
    expect(job).toMatchObject({ status: 'completed', error: null, cost: 1 });
    expect(imageCallKeys().at(-1)).toBe(`Bearer ${FAKE_OPENAI_KEY}`);
    await settledCredits(t, key, { creditsBalance: before.creditsBalance - 1, reserved: 0 });
  }, 30_000);

  it('rotates by saving again: one key, the same creation date', async () => {
    const [first] = (await list(owner)).body.data;
    const res = await put(owner, { apiKey: FAKE_OPENAI_KEY, project: 'proj_teapots' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ createdAt: first.createdAt, hint: { apiKey: '…-key', project: '…pots' } });
    expect(res.body.updatedAt > first.updatedAt || res.body.updatedAt === first.updatedAt).toBe(true);
    expect((await list(owner)).body.data).toHaveLength(1);
  });

  it("keeps an organisation's keys from another: invisible to it, and its calls never run on them", async () => {
    expect((await list(other)).body).toEqual({ data: [] });
    expect((await list(other, owner.orgId)).status).toBe(404);
    expect((await t.http().delete(path(owner.orgId, 'openai')).set(bearer(other.accessToken))).status).toBe(404);
    const otherKey = (await createKey(t, other.accessToken, other.orgId, { name: 'other', scopes: ['images:generate', 'jobs:read'] })).secret;
    const calls = imageCallKeys().length;
    // No key of its own and none of the platform's: refused before anything is queued or charged.
    const res = seen(await t.http().post('/api/v1/images/generations').set(bearer(otherKey)).send(GENERATION).expect(400));
    expect(res.body.error).toMatchObject({ code: 'invalid_model', message: expect.stringContaining('has no key here') });
    expect(imageCallKeys()).toHaveLength(calls);
  }, 30_000);

  it('deletes the key (204), audited at each step without the secret', async () => {
    expect((await t.http().delete(path(owner.orgId, 'openai')).set(bearer(owner.accessToken))).status).toBe(204);
    expect((await list(owner)).body).toEqual({ data: [] });
    expect((await t.http().delete(path(owner.orgId, 'openai')).set(bearer(owner.accessToken))).status).toBe(404);
    const calls = imageCallKeys().length;
    const refused = seen(await t.http().post('/api/v1/images/generations').set(bearer(key)).send(GENERATION).expect(400));
    expect(refused.body.error.code).toBe('invalid_model');
    expect(imageCallKeys()).toHaveLength(calls);

    const audit = seen(await t.http().get(`/api/v1/orgs/${owner.orgId}/audit-log`).set(bearer(owner.accessToken)).expect(200)).body.data as { action: string; details: Record<string, unknown> }[];
    expect(audit.filter((e) => e.action.startsWith('provider_credentials.')).map((e) => [e.action, e.details.provider])).toEqual([
      ['provider_credentials.deleted', 'openai'], ['provider_credentials.rotated', 'openai'], ['provider_credentials.created', 'openai'],
    ]);
  }, 30_000);

  it('never answered either key', () => {
    expect(answers.length).toBeGreaterThan(10);
    for (const secret of [FAKE_OPENAI_KEY, WRONG_KEY]) expect(answers.filter((a) => a.includes(secret))).toEqual([]);
  });
});
