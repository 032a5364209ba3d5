import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AmazonSpApiFake } from '../../plugins/channels/amazon/fake';
import { settlePublicUrl } from '../../src/config/public-url';
import { ToyStoreFake } from '../fixtures/plugins/channels/toy/fake';
import { bearer, createKey, settledCredits, signUp } from '../support/accounts';
import { galleryImage, greyPhoto, whitePhoto } from '../support/gallery-images';
import { plansWithChannels, startTestApp, type TestApp } from '../support/test-app';

const TOY_PLUGINS = join(__dirname, '../fixtures/plugins/channels');
const FIX_PRICE = 3;

/**
 * The compliance gate of POST /api/v1/channels/publish, on the toy store connected with Amazon's rule
 * pack (its main slot is held against amazon-main): refuse, fix, skip, a store image as the source,
 * and Amazon's need of a public link.
 */
describe('publishing through the compliance gate', () => {
  let store: ToyStoreFake;
  let amazon: AmazonSpApiFake;
  let t: TestApp;
  let key: string;
  let orgId: string;
  let connectionId: string;
  let passing: string;
  let failing: string;
  const publish = (body: Record<string, unknown>, headers: Record<string, string> = {}) => t.http().post('/api/v1/channels/publish').set({ ...bearer(key), ...headers }).send({ connectionId, ...body });
  const activity = async () => (await t.http().get('/api/v1/channels/activity').query({ connectionId }).set(bearer(key)).expect(200)).body.data;
  const productOf = async (sku: string) => (await t.http().get(`/api/v1/channels/connections/${connectionId}/products`).query({ search: sku }).set(bearer(key)).expect(200)).body.data[0];
  const sync = () => t.http().post(`/api/v1/channels/connections/${connectionId}/sync`).set({ ...bearer(key), prefer: 'wait=30' }).expect(200);
  const balance = async () => (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body.creditsBalance as number;

  beforeAll(async () => {
    [store, amazon] = await Promise.all([new ToyStoreFake().start(), new AmazonSpApiFake().start()]);
    const lwa = amazon.pluginOptions();
    t = await startTestApp({
      CHANNEL_PLUGINS: 'toy,amazon', ALLOW_PRIVATE_URLS: 'true', PORT: '0', STUDIO_PRICE_COMPLIANCE_FIX: String(FIX_PRICE),
      AMAZON_LWA_CLIENT_ID: lwa.clientId, AMAZON_LWA_CLIENT_SECRET: lwa.clientSecret, AMAZON_SP_API_BASE_URL: amazon.baseUrl, AMAZON_LWA_BASE_URL: amazon.baseUrl,
    }, { plansYaml: plansWithChannels(), channelRoots: [TOY_PLUGINS] });
    // The store fetches images by their signed links: the app listens, and its links name its port.
    await t.app.listen(0, '127.0.0.1');
    settlePublicUrl(t.config, (t.app.getHttpServer().address() as AddressInfo).port);
    const user = await signUp(t);
    orgId = user.orgId;
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'k', scopes: ['channels:read', 'channels:write', 'channels:publish', 'jobs:read', 'credits:read', 'images:read'] })).secret;
    const seeds = ['Refused mug', 'Skipped mug', 'Fixed mug', 'Passing mug'].map((title) => ({ title, skus: [title.split(' ')[0].toUpperCase()], updatedAt: new Date('2024-01-01') }));
    await store.resetCatalogue(seeds);
    const created = await t.http().post('/api/v1/channels/connections').set(bearer(key)).send({ channel: 'toy', name: 'Toy', rulePack: 'amazon', credentials: store.install() }).expect(201);
    connectionId = created.body.id;
    await sync();
    [passing, failing] = await Promise.all([whitePhoto().then((b) => galleryImage(t, orgId, b)), greyPhoto().then((b) => galleryImage(t, orgId, b))]);
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await Promise.all([store.close(), amazon.close()]);
  });

  it('refuses an image that fails the pack with 422 compliance_failed and its report, and sends nothing', async () => {
    const res = await publish({ sku: 'REFUSED', imageId: failing }).expect(422);
    expect(res.body.error).toMatchObject({ code: 'compliance_failed', message: expect.stringMatching(/fails amazon-main: .*background-white/) });
    const { report } = res.body.error;
    expect(report).toMatchObject({ slot: 'amazon-main', pass: false });
    expect(report.rules.find((r: { id: string }) => r.id === 'background-white')).toMatchObject({ pass: false, expected: 0.98 });
    expect(await activity()).toEqual([]);
    await sync();
    expect((await productOf('REFUSED')).images).toEqual([]);
  });

  it('answers a dry run with the report and what the publish would do', async () => {
    const plan = async (body: Record<string, unknown>) => (await publish({ sku: 'REFUSED', dryRun: true, ...body }).expect(200)).body.compliance;
    expect(await plan({ imageId: failing })).toMatchObject({ mode: 'refuse', outcome: 'refuse', report: { slot: 'amazon-main', pass: false } });
    expect(await plan({ imageId: failing, compliance: 'fix' })).toMatchObject({ mode: 'fix', outcome: 'fix', report: { pass: false } });
    expect(await plan({ imageId: passing })).toMatchObject({ mode: 'refuse', outcome: 'publish', report: { pass: true } });
    expect(await plan({ imageId: failing, compliance: 'skip' })).toEqual({ mode: 'skip', outcome: 'publish', report: null });
    expect(await activity()).toEqual([]);
  });

  it('publishes as given with skip, uncharged', async () => {
    const before = await balance();
    const res = await publish({ sku: 'SKIPPED', imageId: failing, compliance: 'skip' }, { prefer: 'wait=30' }).expect(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed', cost: 0, outputs: [], report: { status: 'published' } });
    expect(res.body.report).not.toHaveProperty('compliance');
    const [entry] = await activity();
    expect(entry).toMatchObject({ compliance: 'skip', report: null, fixedImageId: null, imageId: failing, sourceImageExternalId: null });
    expect(await balance()).toBe(before);
  });

  it('fixes a failing image first with fix: publishes the fixed image, charges the fix, and records both reports', async () => {
    const before = await balance();
    const res = await publish({ sku: 'FIXED', imageId: failing, compliance: 'fix' }, { prefer: 'wait=60' }).expect(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed', cost: FIX_PRICE, report: { status: 'published', fixedImageId: expect.any(String) } });
    const { compliance, fixedImageId, externalImageId } = res.body.report;
    expect(compliance.before).toMatchObject({ slot: 'amazon-main', pass: false });
    expect(compliance.after).toMatchObject({ slot: 'amazon-main', pass: true });
    expect(res.body.outputs).toEqual([expect.objectContaining({ id: fixedImageId, width: 2000, height: 2000, format: 'jpeg' })]);
    await settledCredits(t, key, { creditsBalance: before - FIX_PRICE, reserved: 0 });
    const [entry] = await activity();
    expect(entry).toMatchObject({ compliance: 'fix', imageId: failing, fixedImageId, report: { before: { pass: false }, after: { pass: true } }, externalImageId });
    const fixed = await t.http().get(`/api/v1/images/${fixedImageId}`).set(bearer(key)).expect(200);
    expect(fixed.body).toMatchObject({ width: 2000, height: 2000 });
    await sync();
    expect((await productOf('FIXED')).images).toEqual([expect.objectContaining({ externalId: externalImageId, position: 1 })]);
  }, 90_000);

  it('publishes an image that already passes as it is with fix, and does not charge', async () => {
    const before = await balance();
    const res = await publish({ sku: 'PASSING', imageId: passing, compliance: 'fix' }, { prefer: 'wait=60' }).expect(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed', cost: 0, outputs: [], report: { status: 'published', compliance: { before: { pass: true } } } });
    expect(res.body.report).not.toHaveProperty('fixedImageId');
    expect(res.body.report.compliance).not.toHaveProperty('after');
    await settledCredits(t, key, { creditsBalance: before, reserved: 0 });
  }, 60_000);

  it("fixes the product's own store image and publishes it in that image's place", async () => {
    const [original] = (await productOf('SKIPPED')).images;
    const before = await balance();
    const res = await publish({ sku: 'SKIPPED', sourceImageExternalId: original.externalId, compliance: 'fix' }, { prefer: 'wait=60' }).expect(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed', cost: FIX_PRICE, report: { status: 'published', compliance: { before: { pass: false }, after: { pass: true } } } });
    const [entry] = await activity();
    expect(entry).toMatchObject({ imageId: null, sourceImageExternalId: original.externalId, replaceImageExternalId: original.externalId, fixedImageId: res.body.report.fixedImageId });
    await settledCredits(t, key, { creditsBalance: before - FIX_PRICE, reserved: 0 });
    await sync();
    const after = (await productOf('SKIPPED')).images;
    expect(after).toEqual([expect.objectContaining({ externalId: res.body.report.externalImageId, position: 1 })]);
    expect(after[0].externalId).not.toBe(original.externalId);
  }, 90_000);

  it('leaves a store image that would go unchanged into its own place as it is', async () => {
    const [current] = (await productOf('SKIPPED')).images;
    const res = await publish({ sku: 'SKIPPED', sourceImageExternalId: current.externalId, compliance: 'skip' }, { prefer: 'wait=30' }).expect(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed', cost: 0, report: { status: 'published', externalImageId: current.externalId } });
    expect((await activity())[0]).toMatchObject({ attempts: 0, sourceImageExternalId: current.externalId });
    await sync();
    expect((await productOf('SKIPPED')).images).toEqual([expect.objectContaining({ externalId: current.externalId, position: 1 })]);
  });

  it("answers 409 public_url_required for Amazon while Darkroom's links are not public HTTPS (unless private addresses are allowed), before any store call", async () => {
    const created = await t.http().post('/api/v1/channels/connections').set(bearer(key)).send({ channel: 'amazon', name: 'Amazon', credentials: amazon.demo().credentials }).expect(201);
    const body = { connectionId: created.body.id, sku: 'ANY-SKU', imageId: passing };
    // Past the gate, the next check is the product, which this connection never synced.
    const pastTheGate = async () => expect((await t.http().post('/api/v1/channels/publish').set(bearer(key)).send({ ...body, dryRun: true }).expect(404)).body.error.code).toBe('not_found');
    // This installation allows private addresses (the fakes live on 127.0.0.1): a store on its network reaches its links.
    await pastTheGate();
    const local = t.config.publicUrl;
    t.config.allowPrivateUrls = false;
    try {
      for (const dryRun of [false, true]) {
        const res = await t.http().post('/api/v1/channels/publish').set(bearer(key)).send({ ...body, dryRun }).expect(409);
        expect(res.body.error).toMatchObject({ code: 'public_url_required', channel: 'amazon', publicUrl: t.config.publicUrl });
      }
      t.config.publicUrl = 'https://images.example.com';
      await pastTheGate();
    } finally {
      t.config.publicUrl = local;
      t.config.allowPrivateUrls = true;
    }
    expect((await t.http().get('/api/v1/channels/activity').query({ connectionId: created.body.id }).set(bearer(key)).expect(200)).body.data).toEqual([]);
  });

  it('takes exactly one of imageId and sourceImageExternalId, and a store image the product has', async () => {
    expect((await publish({ sku: 'REFUSED' }).expect(400)).body.error.message).toMatch(/imageId or sourceImageExternalId/);
    expect((await publish({ sku: 'REFUSED', imageId: passing, sourceImageExternalId: '1' }).expect(400)).body.error.message).toMatch(/imageId or sourceImageExternalId/);
    await publish({ sku: 'REFUSED', sourceImageExternalId: '999999' }).expect(404);
    expect((await publish({ sku: 'REFUSED', imageId: passing, compliance: 'maybe' }).expect(400)).body.error.code).toBe('validation_failed');
  });
});
