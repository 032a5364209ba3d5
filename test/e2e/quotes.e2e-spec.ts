import { existsSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { EntityManager } from '@mikro-orm/core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelPublishRecord } from '../../src/channels/channel-publish.entity';
import { settlePublicUrl } from '../../src/config/public-url';
import { CreditLedgerEntry } from '../../src/credits/credit-ledger-entry.entity';
import { IdempotencyKey } from '../../src/jobs/idempotency-key.entity';
import { Job } from '../../src/jobs/job.entity';
import { UsageCounter } from '../../src/throttling/usage-counter.entity';
import { ToyStoreFake } from '../fixtures/plugins/channels/toy/fake';
import { bearer, createKey, signUp } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const SCOPES = ['images:generate', 'images:edit', 'studio:process', 'jobs:read', 'credits:read'];
const generate = (prompt: string, n = 1) => ({ operation: 'images.generate', prompt, size: '256x256', n });

/** Every row a submission would write, across the tables it writes to, and the units counted against the daily quota. */
async function written(t: TestApp): Promise<Record<string, number>> {
  const em = t.app.get(EntityManager).fork();
  const usage = await em.find(UsageCounter, {});
  return {
    jobs: await em.count(Job, {}),
    ledger: await em.count(CreditLedgerEntry, {}),
    idempotencyKeys: await em.count(IdempotencyKey, {}),
    publishes: await em.count(ChannelPublishRecord, {}),
    dailyUnits: usage.reduce((sum, u) => sum + u.units, 0),
  };
}

/** The error a refusal answers, without its request id. */
const refusal = (body: { error: Record<string, unknown> }) => {
  const { requestId, ...error } = body.error;
  expect(requestId).toEqual(expect.any(String));
  return error;
};

describe('POST /api/v1/quotes: what a job body would cost and where it would go', () => {
  let t: TestApp;
  let key: string;
  let orgId: string;
  let photo: string;
  const quote = (body: unknown, k = key) => t.http().post('/api/v1/quotes').set(bearer(k)).send(body as object);
  const credits = async () => (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body;

  beforeAll(async () => {
    t = await startTestApp({}, { plansYaml: plansWithMoreWork() });
    const user = await signUp(t);
    orgId = user.orgId;
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'quotes', scopes: SCOPES })).secret;
    photo = (await sharp({ create: { width: 64, height: 64, channels: 3, background: '#ffffff' } }).png().toBuffer()).toString('base64');
  });
  afterAll(() => t.close());

  it('quotes a generation at what submitting it then reserves and charges, with its route', async () => {
    const body = generate('a red lighthouse', 2);
    const quoted = await quote(body).expect(200);
    expect(quoted.body).toEqual({
      credits: 2, creditsBalance: 100, enough: true,
      items: [{ operation: 'images.generate', credits: 2, reason: '2 image(s) with aura/aura', route: { provider: 'aura', model: 'aura' } }],
    });
    const accepted = await t.http().post('/api/v1/jobs').set(bearer(key)).send(body).expect(202);
    expect(accepted.body.creditsBalance).toBe(100 - quoted.body.credits);
    const ledger = (await t.http().get('/api/v1/credits/ledger').set(bearer(key)).expect(200)).body.data;
    expect(ledger.find((e: { kind: string; referenceId: string }) => e.kind === 'reservation' && e.referenceId === accepted.body.id)).toMatchObject({ amount: -2, reason: '2 image(s) with aura/aura' });
    let job = (await t.http().get(`/api/v1/jobs/${accepted.body.id}`).set(bearer(key)).expect(200)).body;
    for (let i = 0; i < 300 && ['queued', 'processing'].includes(job.status); i++) {
      await new Promise((r) => setTimeout(r, 50));
      job = (await t.http().get(`/api/v1/jobs/${accepted.body.id}`).set(bearer(key)).expect(200)).body;
    }
    expect(job).toMatchObject({ status: 'completed', cost: quoted.body.credits });
  }, 30_000);

  it('sums a batch, item by item in order; only provider operations have a route', async () => {
    const res = await quote({ items: [generate('one'), generate('two', 3), { operation: 'backgrounds.remove', image: { data: photo }, mode: 'backdrop' }] }).expect(200);
    expect(res.body).toMatchObject({ credits: 5, enough: true });
    expect(res.body.items).toEqual([
      { operation: 'images.generate', credits: 1, reason: '1 image(s) with aura/aura', route: { provider: 'aura', model: 'aura' } },
      { operation: 'images.generate', credits: 3, reason: '3 image(s) with aura/aura', route: { provider: 'aura', model: 'aura' } },
      { operation: 'backgrounds.remove', credits: 1, reason: 'studio backgrounds.remove' },
    ]);
  });

  it("quotes a studio operation at its configured price; a compliance check without fix is free", async () => {
    expect((await quote({ operation: 'upscale', image: { data: photo }, factor: 2 }).expect(200)).body.items).toEqual([{ operation: 'upscale', credits: 1, reason: 'studio upscale' }]);
    expect((await quote({ operation: 'compliance', image: { data: photo }, slots: ['amazon-main'] }).expect(200)).body).toMatchObject({ credits: 0, enough: true });
  });

  it('quotes an edit sent as a form, as POST /api/v1/jobs takes it', async () => {
    const res = await t.http().post('/api/v1/quotes').set(bearer(key)).field('operation', 'images.edit').field('prompt', 'golden').field('size', '256x256').field('n', '2')
      .attach('images', Buffer.from(PNG, 'base64'), 'photo.png').expect(200);
    expect(res.body.items).toEqual([{ operation: 'images.edit', credits: 2, reason: '2 image(s) with aura/aura', route: { provider: 'aura', model: 'aura' } }]);
  });

  it('writes nothing: no job, reservation, idempotency record, daily unit or stored source, and the credits stay', async () => {
    const before = { rows: await written(t), credits: await credits() };
    const edit = { operation: 'images.edit', prompt: 'three', size: '256x256', images: [{ data: PNG, mimeType: 'image/png' }] };
    await t.http().post('/api/v1/quotes').set({ ...bearer(key), 'idempotency-key': 'quote-once' }).send({ items: [generate('one', 4), edit, { operation: 'process', image: { data: photo } }] }).expect(200);
    await quote(edit).expect(200);
    expect({ rows: await written(t), credits: await credits() }).toEqual(before);
    const sources = `${t.config.dataDir}/files/sources/${orgId}`;
    expect(existsSync(sources) ? readdirSync(sources) : []).toEqual([]);
  });

  it('refuses what POST /api/v1/jobs refuses, with the same errors', async () => {
    const bodies: unknown[] = [
      {},
      { operation: 'images.paint' },
      { operation: 'images.generate', prompt: 7 },
      { operation: 'images.generate', prompt: 'too large', size: '2048x2048' },
      { items: [] },
      { items: [generate('fine'), { operation: 'images.generate', prompt: 'x', unknownField: 1 }] },
      { items: [generate('fine'), { operation: 'images.edit', prompt: 'x', images: [{ data: 'not an image' }] }] },
      { operation: 'upscale', image: { data: photo }, factor: 9 },
    ];
    for (const body of bodies) {
      const [quoted, submitted] = [await quote(body), await t.http().post('/api/v1/jobs').set(bearer(key)).send(body as object)];
      expect(submitted.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect([quoted.status, refusal(quoted.body)], JSON.stringify(body)).toEqual([submitted.status, refusal(submitted.body)]);
    }
    const named = await quote({ items: [generate('fine'), { operation: 'images.generate', prompt: 7 }] }).expect(400);
    expect(named.body.error).toMatchObject({ code: 'validation_failed', item: 1, fields: [expect.objectContaining({ field: 'items[1].prompt' })] });
  });

  it("needs each operation's scope, as POST /api/v1/jobs does", async () => {
    const user = await signUp(t);
    const studioOnly = (await createKey(t, user.accessToken, user.orgId, { name: 'studio', scopes: ['studio:process'] })).secret;
    const res = await quote({ items: [{ operation: 'upscale', image: { data: photo } }, generate('not mine')] }, studioOnly).expect(403);
    expect(res.body.error).toMatchObject({ code: 'insufficient_scope', requiredScope: 'images:generate', item: 1 });
  });

  it('says enough: false (not 402) when the balance does not cover the quote', async () => {
    const { creditsBalance } = await credits();
    const items = Array.from({ length: Math.ceil((creditsBalance + 1) / 4) }, (_, i) => generate(`wish ${i}`, 4));
    const res = await quote({ items }).expect(200);
    expect(res.body).toMatchObject({ credits: items.length * 4, creditsBalance, enough: false });
    expect(res.body.credits).toBeGreaterThan(creditsBalance);
  });
});

describe('POST /api/v1/quotes: a channel publish', () => {
  let store: ToyStoreFake;
  let t: TestApp;
  let key: string;
  let connectionId: string;

  beforeAll(async () => {
    store = await new ToyStoreFake().start();
    const plans = plansWithMoreWork().replace('channels: false, library: true }', 'channels: true, library: true }');
    t = await startTestApp({ CHANNEL_PLUGINS: 'toy', ALLOW_PRIVATE_URLS: 'true', PORT: '0' }, { plansYaml: plans, channelRoots: [join(__dirname, '../fixtures/plugins/channels')] });
    await t.app.listen(0, '127.0.0.1');
    settlePublicUrl(t.config, (t.app.getHttpServer().address() as AddressInfo).port);
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'k', scopes: ['channels:read', 'channels:write', 'channels:publish', 'jobs:read', 'images:generate'] })).secret;
    await store.resetCatalogue([{ title: 'Blue mug', skus: ['MUG-B'], updatedAt: new Date('2024-01-01') }]);
    connectionId = (await t.http().post('/api/v1/channels/connections').set(bearer(key)).send({ channel: 'toy', name: 'Toy', credentials: store.install() }).expect(201)).body.id;
    await t.http().post(`/api/v1/channels/connections/${connectionId}/sync`).set({ ...bearer(key), prefer: 'wait=30' }).expect(200);
  }, 30_000);
  afterAll(async () => {
    await t.close();
    await store.close();
  });

  it('is free, has no route, and writes neither the job nor its activity entry', async () => {
    const generated = await t.http().post('/api/v1/images/generations').set({ ...bearer(key), prefer: 'wait=30' }).send({ prompt: 'a blue mug', size: '256x256' }).expect(200);
    const before = await written(t);
    const res = await t.http().post('/api/v1/quotes').set(bearer(key)).send({
      items: [{ operation: 'channels.publish', connectionId, sku: 'MUG-B', imageId: generated.body.outputs[0].id }, { operation: 'channels.sync', connectionId }],
    }).expect(200);
    expect(res.body).toMatchObject({ credits: 0, enough: true });
    expect(res.body.items).toEqual([
      { operation: 'channels.publish', credits: 0, reason: 'publish to toy connection Toy' },
      { operation: 'channels.sync', credits: 0, reason: 'sync of toy connection Toy' },
    ]);
    expect(await written(t)).toEqual(before);
    expect((await t.http().get('/api/v1/channels/activity').set(bearer(key)).expect(200)).body.data).toEqual([]);
  }, 30_000);
});
