import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../support/accounts';
import { startServerProcess, type ServerProcess } from '../support/server-process';

type LogLine = Record<string, unknown> & { msg?: string; context?: string; requestId?: string };

/** The server's real log, as it writes it to stdout: one JSON object a line. */
function logLines(server: ServerProcess): LogLine[] {
  return server
    .output()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as LogLine);
}

async function waitForLog(server: ServerProcess, what: string, match: (l: LogLine) => boolean): Promise<LogLine> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const line = logLines(server).find(match);
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no log line ${what} in:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('request logs', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'darkroom-logs-'));
  let server: ServerProcess;
  const call = async (method: string, path: string, opts: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const res = await fetch(`${server.base}${path}`, {
      method,
      headers: {
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(opts.token ? { authorization: `Bearer ${opts.token}` } : {}),
        ...opts.headers,
      },
      body: opts.body !== undefined ? JSON.stringify(opts.body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
  };
  const mailTo = async (email: string, pattern: RegExp) => {
    const mail = await waitForLog(server, `with a mail to ${email}`, (l) => l.context === 'Mail' && l.mailTo === email);
    return pattern.exec(String(mail.text))![1];
  };

  beforeAll(async () => {
    server = await startServerProcess({ DATA_DIR: dataDir, LOGIN_ATTEMPTS_PER_ACCOUNT: '2', PUBLIC_REQUESTS_PER_MINUTE: '1000' });
  });
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('never writes a verification, invitation or file token, except in the mail it logs for lack of SMTP', async () => {
    const email = uniqueEmail('logs');
    expect((await call('POST', '/api/v1/auth/register', { body: { email, password: PASSWORD, name: 'Ada' } })).status).toBe(201);
    const verifyToken = await mailTo(email, /verify-email\?token=([A-Za-z0-9_-]+)/);
    expect((await call('GET', `/api/v1/auth/verify-email?token=${verifyToken}`)).status).toBe(200);
    const { accessToken } = (await call('POST', '/api/v1/auth/login', { body: { email, password: PASSWORD } })).body;
    const orgId = (await call('GET', '/api/v1/me', { token: accessToken })).body.currentOrganization.id;

    const invited = uniqueEmail('invited');
    expect((await call('POST', `/api/v1/orgs/${orgId}/invitations`, { token: accessToken, body: { email: invited, role: 'viewer' } })).status).toBe(201);
    const invitationToken = await mailTo(invited, /invitations\/(inv_[A-Za-z0-9_-]+)\/accept/);
    expect((await call('POST', `/api/v1/invitations/${invitationToken}/accept`, { token: accessToken })).status).toBe(403);

    const key = (await call('POST', `/api/v1/orgs/${orgId}/api-keys`, { token: accessToken, body: { name: 'logs', scopes: ['images:generate'] } })).body.secret;
    const job = await call('POST', '/api/v1/images/generations', { token: key, headers: { prefer: 'wait=30' }, body: { prompt: 'a quiet harbour', size: '256x256' } });
    expect(job.status, JSON.stringify(job.body)).toBe(200);
    const file = new URL(job.body.outputs[0].url);
    expect((await call('GET', `${file.pathname}${file.search}`)).status).toBe(200);
    const fileToken = file.pathname.split('/').pop()!;

    const requestLines = await waitForLog(server, 'for the file download', (l) => (l.req as { url?: string } | undefined)?.url === '/api/v1/files/[redacted]');
    expect(requestLines.requestId).toEqual(expect.any(String));
    const logged = logLines(server).filter((l) => l.context !== 'Mail').map((l) => JSON.stringify(l));
    for (const token of [verifyToken, invitationToken, fileToken]) expect(logged.filter((l) => l.includes(token))).toEqual([]);
    const urls = logLines(server).map((l) => (l.req as { url?: string } | undefined)?.url);
    expect(urls).toContain('/api/v1/auth/verify-email?token=[redacted]');
    expect(urls).toContain('/api/v1/invitations/[redacted]/accept');
  });

  it("writes a service's log line during a request with that request's id", async () => {
    const email = uniqueEmail('guessed');
    let refused;
    for (let i = 0; i < 3; i++) refused = await call('POST', '/api/v1/auth/login', { body: { email, password: 'wrong-password-guess' } });
    expect(refused!.status).toBe(429);
    const requestId = refused!.headers.get('x-request-id');
    const warning = await waitForLog(server, 'from LoginThrottle', (l) => l.context === 'LoginThrottle');
    expect(warning).toMatchObject({ requestId, msg: expect.stringContaining('over the limit') });
  });
});
