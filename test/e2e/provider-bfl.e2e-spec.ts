import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BFL_KEY, startBflFake, type BflFake } from '../../plugins/providers/bfl/fake';
import { bearer, createKey, settledCredits, signUp, uniqueEmail } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

/** A CONFIG_DIR listing aura and bfl pointed at its fake with the platform's key, and a pro plan that allows plenty of work a minute. */
function configDir(fake: BflFake): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-bfl-'));
  writeFileSync(join(dir, 'default.yaml'), `plugins:
  providers:
    - aura
    - { id: bfl, options: { baseUrl: "${fake.url}", pollIntervalMs: 250 }, credentials: { apiKey: "${BFL_KEY}" } }
`);
  writeFileSync(join(dir, 'plans.yaml'), readFileSync('config/plans.yaml', 'utf8').replace('workPerMinute: 20', 'workPerMinute: 1000'));
  return dir;
}

describe('the bfl provider plugin through the REST API and the OpenAI-compatible endpoint, against its fake', () => {
  let fake: BflFake;
  let t: TestApp;
  let key: string;
  let client: OpenAI;

  beforeAll(async () => {
    fake = await startBflFake();
    const operatorEmail = uniqueEmail('operator');
    t = await startTestApp({ CONFIG_DIR: configDir(fake), ADMIN_EMAILS: operatorEmail });
    await t.app.listen(0, '127.0.0.1');
    const operator = await signUp(t, { email: operatorEmail });
    const owner = await signUp(t);
    await t.http().patch(`/api/v1/admin/orgs/${owner.orgId}`).set(bearer(operator.accessToken)).send({ plan: 'pro' }).expect(200);
    await t.http().post(`/api/v1/admin/orgs/${owner.orgId}/credits`).set(bearer(operator.accessToken)).send({ amount: 500, reason: 'bfl tests' }).expect(201);
    key = (await createKey(t, owner.accessToken, owner.orgId, { name: 'bfl', scopes: ['images:generate', 'images:read', 'jobs:read', 'credits:read'] })).secret;
    const { port } = t.app.getHttpServer().address() as { port: number };
    client = new OpenAI({ apiKey: key, baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0 });
  }, 60_000);
  afterAll(async () => {
    await t?.close();
    await fake?.close();
  });

  const credits = async () => (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body as { creditsBalance: number; reserved: number };
  const download = async (url: string): Promise<Buffer> => {
    const res = await t.http().get(new URL(url).pathname + new URL(url).search).buffer(true).parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    return res.body as Buffer;
  };
  const sizeOf = async (image: Buffer) => {
    const { width, height, format } = await sharp(image).metadata();
    return { width, height, format };
  };
  async function finished(jobId: string, timeoutMs = 20_000) {
    for (const started = Date.now(); Date.now() - started < timeoutMs;) {
      const job = (await t.http().get(`/api/v1/jobs/${jobId}`).set(bearer(key)).expect(200)).body;
      if (!['queued', 'processing'].includes(job.status)) return job;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`job ${jobId} did not finish in ${timeoutMs} ms`);
  }

  it('generates with FLUX1.1 [pro] through POST /api/v1/images/generations: submitted, polled at the regional URL, the sample stored at the asked size', async () => {
    const before = await credits();
    const res = await t.http().post('/api/v1/images/generations').set(bearer(key))
      .send({ prompt: 'a teal teapot on oak', provider: 'bfl', model: 'flux-pro-1.1', size: '1024x768', format: 'jpeg' }).expect(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'completed', error: null, cost: 4 });
    expect(await sizeOf(await download(job.outputs[0].url))).toEqual({ width: 1024, height: 768, format: 'jpeg' });
    const image = (await t.http().get(`/api/v1/images/${job.outputs[0].id}`).set(bearer(key)).expect(200)).body;
    expect(image).toMatchObject({ provider: 'bfl', model: 'flux-pro-1.1' });
    const task = [...fake.tasks.values()].find((tk) => tk.input.prompt === 'a teal teapot on oak')!;
    expect(fake.requests.map((r) => `${r.method} ${r.url}`)).toEqual(expect.arrayContaining([
      'POST /v1/flux-pro-1.1', `GET /eu1/v1/get_result?id=${task.id}`,
    ]));
    await settledCredits(t, key, { creditsBalance: before.creditsBalance - 4, reserved: 0 });
  }, 30_000);

  it('answers POST /v1/images/generations for the bfl model named, to the official openai SDK', async () => {
    const answer = (await client.images.generate({ model: 'flux-dev', prompt: 'a lighthouse', size: '1024x1024', response_format: 'b64_json' })) as OpenAI.ImagesResponse;
    expect(await sizeOf(Buffer.from(answer.data![0].b64_json!, 'base64'))).toEqual({ width: 1024, height: 1024, format: 'png' });
    expect(JSON.parse(fake.requests.filter((r) => r.url === '/v1/flux-dev').at(-1)!.body.toString())).toMatchObject({ prompt: 'a lighthouse', width: 1024, height: 1024 });
  }, 30_000);

  it('fails the job with content_rejected when BFL answers Request Moderated, and gives its credits back', async () => {
    const before = await credits();
    fake.failNextTask('Request Moderated');
    const res = await t.http().post('/api/v1/images/generations').set(bearer(key))
      .send({ prompt: 'a flagged request', provider: 'bfl', model: 'flux-pro-1.1', size: '1024x1024' }).expect(202);
    const job = await finished(res.body.id);
    expect(job).toMatchObject({ status: 'failed', error: { code: 'content_rejected', message: expect.stringContaining('flagged by moderation') }, cost: 0 });
    await settledCredits(t, key, before);
  }, 30_000);
});
