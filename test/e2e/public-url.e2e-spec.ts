import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../support/accounts';
import { freePort, startServerProcess, type ServerProcess } from '../support/server-process';

/** Registers through the running server and returns the link of the verification mail it logs (no SMTP_URL). */
async function verificationLink(server: ServerProcess): Promise<string> {
  const email = uniqueEmail('public-url');
  const res = await fetch(`${server.base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, name: 'Link' }),
  });
  expect(res.status).toBe(201);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mail = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { mailTo?: string; text?: string })
      .find((entry) => entry.mailTo === email);
    const link = /^https?:\/\/\S+verify-email\?token=\S+$/m.exec(mail?.text ?? '')?.[0];
    if (link) return link;
    if (Date.now() > deadline) throw new Error(`no verification mail for ${email} in the log`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('links follow the port the server listens on when PUBLIC_URL is unset', () => {
  const dataDirs: string[] = [];
  let server: ServerProcess | undefined;
  const start = async (port: number) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'darkroom-public-url-'));
    dataDirs.push(dataDir);
    server = await startServerProcess({ PORT: String(port), PUBLIC_URL: undefined, DATA_DIR: dataDir });
    return server;
  };
  afterEach(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    server = undefined;
    for (const dir of dataDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('on a port other than 3000, the verification link names that port and verifies the address', async () => {
    const port = await freePort();
    const running = await start(port);
    const link = await verificationLink(running);
    expect(link.startsWith(`http://localhost:${port}/api/v1/auth/verify-email?token=`), link).toBe(true);
    const followed = await fetch(link);
    expect(followed.status).toBe(200);
    expect(await followed.json()).toEqual({ verified: true });
    // HOST is loopback here, so links naming localhost work for every client: no warning.
    expect(running.output()).not.toContain('PUBLIC_URL is not set');
  });

  it('with PORT=0, links name the port the server was given', async () => {
    const running = await start(0);
    const link = await verificationLink(running);
    expect(link.startsWith(`http://localhost:${running.port}/`), link).toBe(true);
    expect((await fetch(link)).status).toBe(200);
  });
});
