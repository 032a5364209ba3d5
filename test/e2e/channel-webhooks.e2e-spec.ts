import { createHmac, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHOPIFY_FAKE_APP, ShopifyStoreFake } from '../../plugins/channels/shopify/fake';
import { WooCommerceStoreFake } from '../../plugins/channels/woocommerce/fake';
import { JobsRepository } from '../../src/jobs/jobs.repository';
import type { ChannelWebhookRequest } from '../../src/plugins/testing';
import { ToyStoreFake } from '../fixtures/plugins/channels/toy/fake';
import { WebhookReceiver } from '../fakes/webhook-receiver';
import { bearer, createKey, signUp } from '../support/accounts';
import { plansWithMoreWork, startTestApp, type TestApp } from '../support/test-app';

const TOY_PLUGINS = join(__dirname, '../fixtures/plugins/channels');
/** The free plan with channels and webhooks, so a new organisation can connect stores and hear of them. */
const plansWithChannels = () =>
  plansWithMoreWork().replace('features: { webhooks: false, byok: false, video: false, channels: false, library: true }', 'features: { webhooks: true, byok: false, video: false, channels: true, library: true }');
const seeds = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => ({ title: `${prefix} ${i}`, skus: [`${prefix.toUpperCase()}-${i}`], updatedAt: new Date('2024-01-01T00:00:00Z') }));
const sign = (rawBody: Buffer, secret: string) => createHmac('sha256', secret).update(rawBody).digest('base64');

interface Org {
  orgId: string;
  key: string;
}

interface Connection {
  id: string;
  webhookSecret: string;
}

/** Stores' webhooks to a connection's public URL, through the three plugins that verify them, against their fakes. */
describe('incoming store webhooks', () => {
  let toy: ToyStoreFake;
  let shopify: ShopifyStoreFake;
  let woo: WooCommerceStoreFake;
  let receiver: WebhookReceiver;
  let t: TestApp;
  let org: Org;

  const newOrg = async (): Promise<Org> => {
    const user = await signUp(t);
    const key = (await createKey(t, user.accessToken, user.orgId, { name: 'k', scopes: ['channels:read', 'channels:write', 'jobs:read', 'webhooks:write'] })).secret;
    return { orgId: user.orgId, key };
  };
  const connect = async (as: Org, channel: string, credentials: object): Promise<Connection> => {
    const res = await t.http().post('/api/v1/channels/connections').set(bearer(as.key)).send({ channel, name: channel, credentials });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as Connection;
  };
  const sync = async (as: Org, connection: Connection) => {
    const res = await t.http().post(`/api/v1/channels/connections/${connection.id}/sync`).set({ ...bearer(as.key), prefer: 'wait=60' }).expect(200);
    expect(res.body, JSON.stringify(res.body.error)).toMatchObject({ status: 'completed' });
  };
  const products = async (as: Org, connection: Connection): Promise<{ externalId: string; title: string }[]> =>
    (await t.http().get(`/api/v1/channels/connections/${connection.id}/products`).query({ limit: 100 }).set(bearer(as.key)).expect(200)).body.data;
  // As text: superagent would write a Buffer under a JSON content type as JSON of its own.
  const deliver = (connectionId: string, request: ChannelWebhookRequest) => t.http().post(`/api/v1/channels/webhooks/${connectionId}`).set(request.headers).send(request.rawBody.toString('utf8'));
  const syncJobs = async (as: Org): Promise<{ id: string; status: string }[]> =>
    (await t.http().get('/api/v1/jobs').query({ type: 'channels.sync' }).set(bearer(as.key)).expect(200)).body.data;
  const until = async <T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> => {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  /** A toy connection with a synced catalogue of `n` products. */
  const toyConnection = async (as: Org, n = 3): Promise<{ connection: Connection; ids: string[] }> => {
    const ids = await toy.resetCatalogue(seeds('toy', n));
    const connection = await connect(as, 'toy', toy.install());
    await sync(as, connection);
    return { connection, ids };
  };

  beforeAll(async () => {
    [toy, shopify, woo, receiver] = await Promise.all([new ToyStoreFake().start(), new ShopifyStoreFake().start(), new WooCommerceStoreFake().start(), new WebhookReceiver().start()]);
    t = await startTestApp(
      {
        CHANNEL_PLUGINS: 'toy,shopify,woocommerce',
        ALLOW_PRIVATE_URLS: 'true',
        SHOPIFY_BASE_URL: shopify.baseUrl,
        SHOPIFY_CLIENT_ID: SHOPIFY_FAKE_APP.clientId,
        SHOPIFY_CLIENT_SECRET: SHOPIFY_FAKE_APP.clientSecret,
      },
      { plansYaml: plansWithChannels(), channelRoots: [TOY_PLUGINS] },
    );
    org = await newOrg();
  });
  afterAll(async () => {
    await t.close();
    await Promise.all([toy.close(), shopify.close(), woo.close(), receiver.close()]);
  });

  it('removes a product the store deleted, and syncs one it updated, on a delivery signed with the secret', async () => {
    const { connection, ids } = await toyConnection(org);
    const deleted = await deliver(connection.id, toy.webhook(toy.install(), 'product.deleted', ids[0], connection.webhookSecret)).expect(200);
    expect(deleted.body).toEqual({ received: true });
    expect((await products(org, connection)).map((p) => p.externalId)).not.toContain(ids[0]);

    toy.renameProduct(ids[1], 'Renamed in the store');
    await deliver(connection.id, toy.webhook(toy.install(), 'product.updated', ids[1], connection.webhookSecret)).expect(200);
    const synced = await until(() => products(org, connection), (list) => list.some((p) => p.title === 'Renamed in the store'));
    expect(synced.find((p) => p.externalId === ids[1])?.title).toBe('Renamed in the store');
    const jobs = t.app.get(JobsRepository);
    const started = await jobs.getById((await syncJobs(org))[0].id);
    expect(started).toMatchObject({ createdBy: 'webhook:toy', input: { connectionId: connection.id } });
  });

  it('answers 401 webhook_signature_invalid to a bad or missing signature, a tampered body, and an unknown or malformed connection id, changing nothing', async () => {
    const { connection, ids } = await toyConnection(org);
    const forged = toy.webhook(toy.install(), 'product.deleted', ids[0], 'whsec_not_the_one');
    const res = await deliver(connection.id, forged).expect(401);
    expect(res.body.error.code).toBe('webhook_signature_invalid');
    const signed = toy.webhook(toy.install(), 'product.deleted', ids[0], connection.webhookSecret);
    await deliver(connection.id, { headers: signed.headers, rawBody: Buffer.concat([signed.rawBody, Buffer.from(' ')]) }).expect(401);
    const { 'x-toy-hmac-sha256': _, ...unsigned } = signed.headers;
    await deliver(connection.id, { headers: unsigned, rawBody: signed.rawBody }).expect(401);
    // An unknown id is answered as a bad signature: whether a connection exists is not said.
    const unknown = await deliver(randomUUID(), signed).expect(401);
    expect(unknown.body.error.code).toBe('webhook_signature_invalid');
    await deliver('not-a-connection-id', signed).expect(401);
    expect((await products(org, connection)).map((p) => p.externalId)).toContain(ids[0]);
  });

  it("refuses a delivery signed for another organisation's connection", async () => {
    const other = await newOrg();
    const mine = await toyConnection(org);
    const theirs = await toyConnection(other);
    const signedForMine = toy.webhook(toy.install(), 'product.deleted', theirs.ids[0], mine.connection.webhookSecret);
    await deliver(theirs.connection.id, signedForMine).expect(401);
    expect((await products(other, theirs.connection)).map((p) => p.externalId)).toContain(theirs.ids[0]);
  });

  it('refuses the old secret once the secret is rotated, and takes the new one', async () => {
    const { connection, ids } = await toyConnection(org);
    const rotated = await t.http().post(`/api/v1/channels/connections/${connection.id}/webhook-secret`).set(bearer(org.key)).expect(200);
    await deliver(connection.id, toy.webhook(toy.install(), 'product.deleted', ids[0], connection.webhookSecret)).expect(401);
    await deliver(connection.id, toy.webhook(toy.install(), 'product.deleted', ids[0], rotated.body.webhookSecret)).expect(200);
    expect((await products(org, connection)).map((p) => p.externalId)).not.toContain(ids[0]);
  });

  it('acts once on a delivery the store sends again', async () => {
    const other = await newOrg();
    const { connection, ids } = await toyConnection(other);
    const before = (await syncJobs(other)).length;
    const update = toy.webhook(toy.install(), 'product.updated', ids[0], connection.webhookSecret);
    await deliver(connection.id, update).expect(200);
    const queued = await until(() => syncJobs(other), (jobs) => jobs.length === before + 1 && jobs.every((j) => j.status === 'completed'));
    expect(queued.every((j) => j.status === 'completed')).toBe(true);
    await deliver(connection.id, update).expect(200);
    expect(await syncJobs(other)).toHaveLength(before + 1);
    // Another delivery of the same change is another delivery: it is acted on.
    await deliver(connection.id, toy.webhook(toy.install(), 'product.updated', ids[0], connection.webhookSecret)).expect(200);
    expect(await syncJobs(other)).toHaveLength(before + 2);
  });

  it('acknowledges GDPR requests and topics it does not act on, storing nothing', async () => {
    const { connection, ids } = await toyConnection(org);
    for (const event of ['gdpr.customer_data_request', 'gdpr.customer_redact', 'gdpr.shop_redact'] as const) {
      await deliver(connection.id, toy.webhook(toy.install(), event, ids[0], connection.webhookSecret)).expect(200);
    }
    const rawBody = Buffer.from('{"id":1}');
    await deliver(connection.id, { headers: { 'content-type': 'application/json', 'x-toy-topic': 'orders/create', 'x-toy-hmac-sha256': sign(rawBody, connection.webhookSecret) }, rawBody }).expect(200);
    expect(await products(org, connection)).toHaveLength(3);
    const got = await t.http().get(`/api/v1/channels/connections/${connection.id}`).set(bearer(org.key)).expect(200);
    expect(got.body).toMatchObject({ status: 'active', lastError: null });
  });

  it('WooCommerce: verifies X-WC-Webhook-Signature with the connection secret, takes the store ping, and acts on product webhooks', async () => {
    const ids = await woo.resetCatalogue(seeds('woo', 3));
    const credentials = woo.demo().credentials;
    const connection = await connect(org, 'woocommerce', credentials);
    await sync(org, connection);
    await deliver(connection.id, woo.webhook(credentials, 'product.deleted', ids[0], connection.webhookSecret)).expect(200);
    expect((await products(org, connection)).map((p) => p.externalId)).not.toContain(ids[0]);
    await deliver(connection.id, woo.webhook(credentials, 'product.deleted', ids[1], 'whsec_not_the_one')).expect(401);
    expect((await products(org, connection)).map((p) => p.externalId)).toContain(ids[1]);
    // Saving a webhook in WooCommerce's admin sends this unsigned, form-encoded ping.
    const ping = await t.http().post(`/api/v1/channels/webhooks/${connection.id}`).set('content-type', 'application/x-www-form-urlencoded').send('webhook_id=17').expect(200);
    expect(ping.body).toEqual({ received: true });
    const jobs = (await syncJobs(org)).length;
    await deliver(connection.id, woo.webhook(credentials, 'product.updated', ids[1], connection.webhookSecret)).expect(200);
    expect(await syncJobs(org)).toHaveLength(jobs + 1);
  });

  it("Shopify: verifies X-Shopify-Hmac-Sha256 with the app's secret, not the connection's", async () => {
    const ids = await shopify.resetCatalogue(seeds('shop', 3));
    const credentials = shopify.install();
    const connection = await connect(org, 'shopify', credentials);
    await sync(org, connection);
    await deliver(connection.id, shopify.webhook(credentials, 'product.deleted', ids[0])).expect(200);
    expect((await products(org, connection)).map((p) => p.externalId)).not.toContain(ids[0]);
    const signedWithConnectionSecret = shopify.webhook(credentials, 'product.deleted', ids[1]);
    signedWithConnectionSecret.headers['x-shopify-hmac-sha256'] = sign(signedWithConnectionSecret.rawBody, connection.webhookSecret);
    await deliver(connection.id, signedWithConnectionSecret).expect(401);
    expect((await products(org, connection)).map((p) => p.externalId)).toContain(ids[1]);
  });

  // Last: uninstalling the toy app ends every toy credential.
  it('sends channel.needs_attention once when a connection turns so: the app uninstalled, or its credentials refused', async () => {
    const other = await newOrg();
    const path = `/attention-${other.orgId}`;
    await t.http().post('/api/v1/webhook-endpoints').set(bearer(other.key)).send({ url: receiver.url(path), events: ['channel.needs_attention'] }).expect(201);
    const { connection, ids } = await toyConnection(other);
    const working = await connect(other, 'toy', toy.install());
    await deliver(connection.id, toy.webhook(toy.install(), 'app.uninstalled', ids[0], connection.webhookSecret)).expect(200);
    const got = await t.http().get(`/api/v1/channels/connections/${connection.id}`).set(bearer(other.key)).expect(200);
    expect(got.body).toMatchObject({ status: 'needs_attention', lastError: 'the app was uninstalled' });
    const [hit] = await receiver.waitFor(path);
    expect(JSON.parse(hit.body)).toMatchObject({ type: 'channel.needs_attention', data: { connectionId: connection.id, channel: 'toy', name: 'toy', lastError: 'the app was uninstalled' } });

    toy.uninstallAll();
    const refused = await t.http().post(`/api/v1/channels/connections/${working.id}/test`).set(bearer(other.key)).expect(200);
    expect(refused.body.status).toBe('needs_attention');
    const hits = await receiver.waitFor(path, 2);
    expect(JSON.parse(hits[1].body)).toMatchObject({ type: 'channel.needs_attention', data: { connectionId: working.id, lastError: refused.body.lastError } });
    // Already needing attention: another refusal records the store's words and is not announced again.
    await t.http().post(`/api/v1/channels/connections/${working.id}/test`).set(bearer(other.key)).expect(200);
    await t.http().post(`/api/v1/channels/connections/${connection.id}/test`).set(bearer(other.key)).expect(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect(receiver.at(path)).toHaveLength(2);
  });
});
