import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import sharp from 'sharp';
import type { Response } from 'supertest';
import { bearer, createKey, signUp, uniqueEmail, type TestUser } from './accounts';
import { startTestApp, type TestApp } from './test-app';

/** A provider plugin as default.yaml lists it, typically pointed at its fake with the platform's key. */
export interface ProviderEntry {
  id: string;
  options?: Record<string, unknown>;
  credentials?: Record<string, string>;
}

/** A CONFIG_DIR listing aura and these providers, and a pro plan that allows plenty of work a minute. */
export function providersConfigDir(providers: ProviderEntry[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'darkroom-providers-'));
  // JSON is YAML's flow style, so each entry is written as one.
  writeFileSync(join(dir, 'default.yaml'), ['plugins:', '  providers:', '    - aura', ...providers.map((p) => `    - ${JSON.stringify(p)}`), ''].join('\n'));
  writeFileSync(join(dir, 'plans.yaml'), readFileSync('config/plans.yaml', 'utf8').replace('workPerMinute: 20', 'workPerMinute: 1000'));
  return dir;
}

export interface ProviderAppOptions {
  providers: ProviderEntry[];
  /** The plan the operator moves the owner's organisation to. */
  plan: string;
  /** The credits the operator grants it. */
  credits: number;
  /** The API key's scopes. */
  scopes: string[];
  /** Names the API key and the credit grant. */
  label: string;
  /** More environment for the app, e.g. PROVIDER_BREAKER_FAILURES. */
  env?: Record<string, string>;
  /** Listen on 127.0.0.1, with an official OpenAI client pointed at the app's /v1. */
  listen?: boolean;
  /** How long `finished` waits for a job by default; 30 s unless told. */
  jobTimeoutMs?: number;
}

export interface ProviderApp {
  t: TestApp;
  /** The owner's API key. */
  key: string;
  owner: TestUser;
  /** The user ADMIN_EMAILS names. */
  operator: TestUser;
  /** The organisation's credits, as the key sees them. */
  credits(): Promise<{ creditsBalance: number; reserved: number }>;
  /** A stored file by the URL the API gave, with its content type. */
  downloadFile(url: string): Promise<{ type: string; data: Buffer }>;
  download(url: string): Promise<Buffer>;
  /** The job, as GET /api/v1/jobs/{id} answers it, once it is no longer queued or processing. */
  finished(jobId: string, timeoutMs?: number): Promise<Response['body']>;
}

/** What sharp reads of an image's header. */
export async function sizeOf(image: Buffer) {
  const { width, height, format } = await sharp(image).metadata();
  return { width, height, format };
}

/**
 * The real app with these providers: an operator moves a new owner's organisation to the plan and
 * grants it the credits, and the owner makes an API key with the scopes.
 */
export async function startProviderApp(options: ProviderAppOptions & { listen: true }): Promise<ProviderApp & { client: OpenAI }>;
export async function startProviderApp(options: ProviderAppOptions): Promise<ProviderApp>;
export async function startProviderApp(options: ProviderAppOptions): Promise<ProviderApp & { client?: OpenAI }> {
  const operatorEmail = uniqueEmail('operator');
  const t = await startTestApp({ CONFIG_DIR: providersConfigDir(options.providers), ADMIN_EMAILS: operatorEmail, ...options.env });
  if (options.listen) await t.app.listen(0, '127.0.0.1');
  const operator = await signUp(t, { email: operatorEmail });
  const owner = await signUp(t);
  await t.http().patch(`/api/v1/admin/orgs/${owner.orgId}`).set(bearer(operator.accessToken)).send({ plan: options.plan }).expect(200);
  await t.http().post(`/api/v1/admin/orgs/${owner.orgId}/credits`).set(bearer(operator.accessToken)).send({ amount: options.credits, reason: `${options.label} tests` }).expect(201);
  const key = (await createKey(t, owner.accessToken, owner.orgId, { name: options.label, scopes: options.scopes })).secret;
  const client = options.listen
    ? new OpenAI({ apiKey: key, baseURL: `http://127.0.0.1:${(t.app.getHttpServer().address() as { port: number }).port}/v1`, maxRetries: 0 })
    : undefined;

  const downloadFile = async (url: string) => {
    const res = await t.http().get(new URL(url).pathname + new URL(url).search).buffer(true).parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    }).expect(200);
    return { type: res.headers['content-type'] as string, data: res.body as Buffer };
  };
  return {
    t,
    key,
    owner,
    operator,
    client,
    credits: async () => (await t.http().get('/api/v1/credits').set(bearer(key)).expect(200)).body,
    downloadFile,
    download: async (url) => (await downloadFile(url)).data,
    finished: async (jobId, timeoutMs = options.jobTimeoutMs ?? 30_000) => {
      for (const started = Date.now(); Date.now() - started < timeoutMs;) {
        const job = (await t.http().get(`/api/v1/jobs/${jobId}`).set(bearer(key)).expect(200)).body;
        if (!['queued', 'processing'].includes(job.status)) return job;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`job ${jobId} did not finish in ${timeoutMs} ms`);
    },
  };
}
