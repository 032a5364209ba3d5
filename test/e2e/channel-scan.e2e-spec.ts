import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WooCommerceStoreFake } from '../../plugins/channels/woocommerce/fake';
import type { FakeImageKind } from '../../src/plugins/testing/fake-images';
import { bearer, createKey, signUp } from '../support/accounts';
import { plansWithChannels, startTestApp, type TestApp } from '../support/test-app';

const seed = (title: string, images: FakeImageKind[]) => ({ title, skus: [title.toUpperCase().replace(/ /g, '-')], updatedAt: new Date('2024-01-01T00:00:00Z'), images });

interface Product {
  title: string;
  complianceState: string;
  images: { url: string; compliance: { state: string; packSlot: string; failures: { rule: string; message: string }[]; error?: string; checkedAt: string } | null }[];
}

/** The compliance scan after each sync, against the WooCommerce fake's own images, held against a rule pack. */
describe('the compliance scan after a sync', () => {
  let woo: WooCommerceStoreFake;
  let t: TestApp;
  let key: string;
  let ids: string[];

  const sync = async (connectionId: string) => {
    const res = await t.http().post(`/api/v1/channels/connections/${connectionId}/sync`).set({ ...bearer(key), prefer: 'wait=60' }).expect(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed' });
    return res.body;
  };
  const products = async (connectionId: string, query: Record<string, string> = {}): Promise<Map<string, Product>> => {
    const res = await t.http().get(`/api/v1/channels/connections/${connectionId}/products`).query({ limit: 100, ...query }).set(bearer(key)).expect(200);
    return new Map(res.body.data.map((p: Product) => [p.title, p]));
  };
  const connect = async (rulePack: string | null) => {
    const res = await t.http().post('/api/v1/channels/connections').set(bearer(key)).send({ channel: 'woocommerce', name: `woo ${rulePack}`, credentials: woo.install(), rulePack });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    woo = await new WooCommerceStoreFake().start();
    t = await startTestApp({ CHANNEL_PLUGINS: 'woocommerce', ALLOW_PRIVATE_URLS: 'true' }, { plansYaml: plansWithChannels() });
    const user = await signUp(t);
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'k', scopes: ['channels:read', 'channels:write', 'jobs:read'] })).secret;
    ids = await woo.resetCatalogue([
      seed('good mug', ['passing', 'passing']),
      seed('grey mug', ['failing']),
      seed('mixed mug', ['passing', 'failing']),
      seed('broken mug', ['broken']),
      seed('bare mug', []),
    ]);
  });
  afterAll(async () => {
    await t?.close();
    await woo?.close();
  });

  it('checks every image against the pack, shows each state, filters by it and reports the scan as progress', async () => {
    const id = await connect('amazon');
    const job = await sync(id);
    expect(job.progress).toEqual({ done: 6, total: 6 });
    const seen = await products(id);
    expect(Object.fromEntries([...seen].map(([title, p]) => [title, p.complianceState]))).toEqual({
      'good mug': 'passing', 'grey mug': 'failing', 'mixed mug': 'failing', 'broken mug': 'error', 'bare mug': 'failing',
    });
    const grey = seen.get('grey mug')!.images[0].compliance!;
    expect(grey).toMatchObject({ state: 'failing', packSlot: 'amazon-main' });
    expect(grey.failures.map((f) => f.rule)).toEqual(expect.arrayContaining(['longest-side-minimum', 'background-white']));
    expect(seen.get('mixed mug')!.images.map((i) => i.compliance?.state)).toEqual(['passing', 'failing']);
    expect(seen.get('mixed mug')!.images[1].compliance!.packSlot).toBe('amazon-main');
    expect(seen.get('good mug')!.images[0].compliance).toMatchObject({ state: 'passing', failures: [] });
    expect(seen.get('broken mug')!.images[0].compliance).toMatchObject({ state: 'error', error: expect.stringMatching(/^The image could not be read: /) });
    expect(seen.get('bare mug')!.images).toEqual([]);

    expect([...(await products(id, { compliance: 'failing' })).keys()].sort()).toEqual(['bare mug', 'grey mug', 'mixed mug']);
    expect([...(await products(id, { compliance: 'passing' })).keys()]).toEqual(['good mug']);
    expect([...(await products(id, { compliance: 'error' })).keys()]).toEqual(['broken mug']);
    const bad = await t.http().get(`/api/v1/channels/connections/${id}/products`).query({ compliance: 'red' }).set(bearer(key)).expect(400);
    expect(bad.body.error.code).toBe('validation_failed');
  }, 60_000);

  it('checks again only the images the store changed, and every image after the rule pack changes', async () => {
    const id = await connect('amazon');
    await sync(id);
    const before = await products(id);
    woo.replaceImages(ids[1], ['passing']);
    const second = await sync(id);
    expect(second.progress).toEqual({ done: 1, total: 1 });
    const after = await products(id);
    expect(after.get('grey mug')!.complianceState).toBe('passing');
    expect(after.get('grey mug')!.images[0].url).not.toBe(before.get('grey mug')!.images[0].url);
    expect(after.get('good mug')!.images[0].compliance!.checkedAt).toBe(before.get('good mug')!.images[0].compliance!.checkedAt);

    await t.http().patch(`/api/v1/channels/connections/${id}`).set(bearer(key)).send({ rulePack: 'woocommerce' }).expect(200);
    expect(new Set([...(await products(id)).values()].map((p) => p.complianceState))).toEqual(new Set(['unchecked']));
    const third = await sync(id);
    // A product the incremental sync lists again while the scan checks it is checked once more.
    expect(third.progress.done).toBe(third.progress.total);
    expect(third.progress.done).toBeGreaterThanOrEqual(6);
    const rechecked = await products(id);
    // The WooCommerce pack's size and shape rules are warnings: the small grey photo passes it.
    expect(rechecked.get('mixed mug')!.images.map((i) => i.compliance)).toEqual([
      expect.objectContaining({ state: 'passing', packSlot: 'woocommerce-product' }),
      expect.objectContaining({ state: 'passing', packSlot: 'woocommerce-product' }),
    ]);
    expect(rechecked.get('broken mug')!.complianceState).toBe('error');
  }, 60_000);

  it('leaves the products of a connection without a rule pack unchecked', async () => {
    const id = await connect(null);
    await sync(id);
    const seen = await products(id);
    expect(new Set([...seen.values()].map((p) => p.complianceState))).toEqual(new Set(['unchecked']));
    expect(seen.get('good mug')!.images[0].compliance).toBeNull();
  }, 60_000);
});
