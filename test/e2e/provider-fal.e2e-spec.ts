import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAL_KEY, startFalFake, type FalFake, type FalRequestFailure } from '../../plugins/providers/fal/fake';
import { bearer, createKey, settledCredits, signUp, uniqueEmail } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

/** A CONFIG_DIR listing aura and fal, pointed at its fake with the platform's key, and a pro plan that allows plenty of work a minute. */
function configDir(fake: FalFake): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-fal-'));
  writeFileSync(join(dir, 'default.yaml'), `plugins:
  providers:
    - aura
    - { id: fal, options: { baseUrl: "${fake.url}" }, credentials: { apiKey: "${FAL_KEY}" } }
`);
  writeFileSync(join(dir, 'plans.yaml'), readFileSync('config/plans.yaml', 'utf8').replace('workPerMinute: 20', 'workPerMinute: 1000'));
  return dir;
}

describe('the fal provider through the REST API and the OpenAI-compatible endpoint, against its fake', () => {
  let fake: FalFake;
  let t: TestApp;
  let key: string;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startFalFake();
    const operatorEmail = uniqueEmail('operator');
    t = await startTestApp({ CONFIG_DIR: configDir(fake), ADMIN_EMAILS: operatorEmail });
    await t.app.listen(0, '127.0.0.1');
    const operator = await signUp(t, { email: operatorEmail });
    const owner = await signUp(t);
    await t.http().patch(`/api/v1/admin/orgs/${owner.orgId}`).set(bearer(operator.accessToken)).send({ plan: 'pro' }).expect(200);
    await t.http().post(`/api/v1/admin/orgs/${owner.orgId}/credits`).set(bearer(operator.accessToken)).send({ amount: 900, reason: 'fal tests' }).expect(201);
    key = (await createKey(t, owner.accessToken, owner.orgId, { name: 'fal', scopes: ['images:generate', 'images:read', 'jobs:read', 'credits:read'] })).secret;
    const { port } = t.app.getHttpServer().address() as { port: number };
    client = new OpenAI({ apiKey: key, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const post = (body: Record<string, unknown>) => t.http().post('/api/v1/images/generations').set(bearer(key)).send(body);
  const credits = async () => (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body as { creditsBalance: number; reserved: number };
  const download = async (url: string): Promise<Buffer> => {
    const res = await t.http().get(new URL(url).pathname + new URL(url).search).buffer(true).parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    return res.body as Buffer;
  };
  async function finished(jobId: string, timeoutMs = 30_000) {
    for (const started = Date.now(); Date.now() - started < timeoutMs;) {
      const job = (await t.http().get(`/api/v1/jobs/${jobId}`).set(bearer(key)).expect(200)).body;
      if (!['queued', 'processing'].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${jobId} did not finish in ${timeoutMs} ms`);
  }
  const sizeOf = async (image: Buffer) => {
    const { width, height, format } = await sharp(image).metadata();
    return { width, height, format };
  };

  it('generates through POST /api/v1/images/generations on fal\'s queue: images of the asked size and format, charged the model price', async () => {
    const before = await credits();
    const submits = fake.requests.filter((r) => r.method === 'POST').length;
    const res = await post({ prompt: 'a teal teapot on oak', provider: 'fal', model: 'flux-dev', size: '1024x768', format: 'jpeg', n: 2 }).expect(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'completed', error: null, cost: 6 });
    expect(job.outputs).toHaveLength(2);
    for (const output of job.outputs) expect(await sizeOf(await download(output.url))).toEqual({ width: 1024, height: 768, format: 'jpeg' });
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.url).slice(submits)).toEqual(['/fal-ai/flux/dev']);
    const image = (await t.http().get(`/api/v1/images/${job.outputs[0].id}`).set(bearer(key)).expect(200)).body;
    expect(image).toMatchObject({ provider: 'fal', model: 'flux-dev' });
    await settledCredits(t, key, { creditsBalance: before.creditsBalance - 6, reserved: 0 });
  }, 30_000);

  it('answers POST /v1/images/generations for the fal model named, to the official OpenAI SDK', async () => {
    const b64 = (await client.images.generate({ model: 'flux-schnell', prompt: 'a lighthouse', size: '1024x1024', response_format: 'b64_json' })) as OpenAI.ImagesResponse;
    expect(await sizeOf(Buffer.from(b64.data![0].b64_json!, 'base64'))).toEqual({ width: 1024, height: 1024, format: 'png' });
    const submit = fake.requests.filter((r) => r.method === 'POST').at(-1);
    expect([submit?.url, submit?.headers.authorization]).toEqual(['/fal-ai/flux/schnell', `Key ${FAL_KEY}`]);
  }, 30_000);

  it.each<FalRequestFailure>(['content_policy_violation', 'nsfw'])('fails the job with content_rejected when fal answers %s, and releases its credits', async (failure) => {
    const before = await credits();
    fake.failNextRequest(failure);
    const res = await post({ prompt: 'a refused request', provider: 'fal', model: 'flux-schnell', size: '1024x1024' }).expect(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'failed', error: { code: 'content_rejected' }, cost: 0 });
    await settledCredits(t, key, before);
  }, 30_000);
});
