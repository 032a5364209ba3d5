import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_OPENAI_KEY, startOpenAIFake, type OpenAIFake } from '../../plugins/providers/openai/fake';
import { PASSWORD, uniqueEmail } from '../support/accounts';
import { startServerProcess, type ServerProcess } from '../support/server-process';

const WRONG_KEY = 'sk-wrong-never-logged-0123456789';

/**
 * An organisation's own provider key must never reach a log line: the real server process, logging
 * at debug, saves a key the provider refuses and one it takes, and generates on it (and fails on it).
 */
describe('BYOK keys in the logs', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'darkroom-byok-logs-'));
  const configDir = mkdtempSync(join(tmpdir(), 'darkroom-byok-logs-config-'));
  let fake: OpenAIFake;
  let server: ServerProcess;
  const operatorEmail = uniqueEmail('operator');

  const call = async (method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${server.base}${path}`, {
      method,
      headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}), ...opts.headers },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, text, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  /** Registers, verifies through the token in the mail the server logs for lack of SMTP, and signs in. */
  const account = async (email: string) => {
    expect((await call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, name: 'Ada' } })).status).toBe(201);
    let token: string | undefined;
    for (const deadline = Date.now() + 10_000; !token && Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
      token = /"mailTo":"[^"]*".*verify-email\?token=([A-Za-z0-9_-]+)/.exec(server.output().split('\n').find((l) => l.includes(`"mailTo":"${email}"`)) ?? '')?.[1];
    }
    expect((await call('GET', `/api/v1/auth/verify-email?token=${token}`)).status).toBe(200);
    const { accessToken } = (await call('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } })).body;
    const orgId = (await call('GET', '/api/v1/me', { token: accessToken })).body.currentOrganization.id as string;
    return { accessToken: accessToken as string, orgId };
  };

  beforeAll(async () => {
    fake = await startOpenAIFake();
    writeFileSync(join(configDir, 'default.yaml'), `plugins:\n  providers:\n    - aura\n    - { id: openai, options: { baseUrl: "${fake.url}" } }\n`);
    writeFileSync(join(configDir, 'plans.yaml'), readFileSync('config/plans.yaml', 'utf8'));
    server = await startServerProcess({ DATA_DIR: dataDir, CONFIG_DIR: configDir, ADMIN_EMAILS: operatorEmail, LOG_LEVEL: 'debug', PUBLIC_REQUESTS_PER_MINUTE: '1000' });
  }, 60_000);
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    await fake?.close();
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(configDir, { recursive: true, force: true });
  });

  it('never writes the key, refused or taken, nor keeps it readable in the data directory', async () => {
    const operator = await account(operatorEmail);
    const owner = await account(uniqueEmail('owner'));
    expect((await call('PATCH', `/api/v1/admin/orgs/${owner.orgId}`, { token: operator.accessToken, body: { plan: 'pro' } })).status).toBe(200);
    const byok = `/api/v1/orgs/${owner.orgId}/provider-credentials/openai`;
    expect((await call('PUT', byok, { token: owner.accessToken, body: { credentials: { apiKey: WRONG_KEY } } })).status).toBe(422);
    const saved = await call('PUT', byok, { token: owner.accessToken, body: { credentials: { apiKey: FAKE_OPENAI_KEY } } });
    expect(saved.status).toBe(200);

    const key = (await call('POST', `/api/v1/orgs/${owner.orgId}/api-keys`, { token: owner.accessToken, body: { name: 'logs', scopes: ['images:generate', 'jobs:read'] } })).body.secret;
    const generation = { prompt: 'a teal teapot', provider: 'openai', model: 'gpt-image-low', size: '1024x1024' };
    const done = await call('POST', '/api/v1/images/generations', { token: key, headers: { prefer: 'wait=30' }, body: generation });
    expect(done.status, done.text).toBe(200);
    fake.failNextWith('bad_key');
    const refused = await call('POST', '/api/v1/images/generations', { token: key, headers: { prefer: 'wait=30' }, body: generation });
    expect([refused.status, refused.body.status, refused.body.error?.code]).toEqual([200, 'failed', 'provider_credentials_invalid']);
    expect(fake.requests.some((r) => r.headers.authorization === `Bearer ${FAKE_OPENAI_KEY}`)).toBe(true);

    const lines = server.output().split('\n');
    expect(lines.length).toBeGreaterThan(20);
    const databases = (readdirSync(dataDir, { recursive: true }) as string[]).filter((f) => /\.(db|db-wal|sqlite)$/.test(f));
    expect(databases.length).toBeGreaterThan(0);
    for (const secret of [FAKE_OPENAI_KEY, WRONG_KEY]) {
      expect(lines.filter((l) => l.includes(secret))).toEqual([]);
      for (const file of databases) expect(readFileSync(join(dataDir, file)).includes(Buffer.from(secret)), `${file} holds the key in plaintext`).toBe(false);
    }
  }, 60_000);
});
