import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../support/accounts';
import { startServerProcess } from '../support/server-process';

describe('graceful shutdown', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'darkroom-shutdown-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('finishes requests in flight on SIGTERM, then exits 0', async () => {
    const { child, port, output, exited } = await startServerProcess({ DATA_DIR: dataDir, PUBLIC_REQUESTS_PER_MINUTE: '1000' });
    // Registration hashes a password with argon2 (tens of ms each), so many are still running at SIGTERM.
    const inFlight = Array.from({ length: 80 }, (_, i) =>
      fetch(`http://127.0.0.1:${port}/api/v1/auth/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': `shutdown-${i}` },
        body: JSON.stringify({ email: uniqueEmail('shutdown'), password: PASSWORD, name: 'Shutdown' }),
      }).then((r) => r.status, () => 0),
    );
    const logged = (msg: string) => new Set(output().split('\n').filter((l) => l.includes(msg)).map((l) => /"requestId":"(shutdown-\d+)"/.exec(l)?.[1]).filter(Boolean));
    // SIGTERM once many requests arrived and several of those are still being handled.
    const deadline = Date.now() + 20_000;
    while (!(logged('incoming request').size >= 30 && logged('request completed').size + 5 <= logged('incoming request').size)) {
      if (Date.now() > deadline) throw new Error('requests never piled up in the server; nothing to test');
      await new Promise((r) => setTimeout(r, 2));
    }
    const receivedAtKill = logged('incoming request');
    const completedAtKill = logged('request completed');
    child.kill('SIGTERM');
    const statuses = await Promise.all(inFlight);
    // Every request the server had received when told to stop was finished, not dropped.
    for (const id of receivedAtKill) expect(statuses[Number(id!.split('-')[1])], id).toBe(201);
    expect(receivedAtKill.size).toBeGreaterThan(completedAtKill.size);
    expect(await exited).toBe(0);
    expect(output()).toContain('SIGTERM: finishing requests in flight');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });
});
