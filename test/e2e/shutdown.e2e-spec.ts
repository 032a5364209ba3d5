import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../support/accounts';
import { ensureBuilt, freePort, startNpmScript, startServerProcess, type SupervisedProcess } from '../support/server-process';

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
    // SIGTERM once many requests arrived and several of those are still being handled (bounds loose
    // enough for a busy CI machine, where the log comes in bursts).
    const deadline = Date.now() + 40_000;
    while (!(logged('incoming request').size >= 20 && logged('request completed').size + 3 <= logged('incoming request').size)) {
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

/** Whether a process (or, for a negative pid, any process of that group) still exists. */
function exists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} after ${ms} ms`)), ms)));
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

describe('the documented commands stop on SIGTERM to the pid a supervisor holds', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'darkroom-supervised-'));
  let running: SupervisedProcess | undefined;
  beforeAll(() => ensureBuilt(), 180_000);
  afterEach(() => {
    // A failed run must not leave a server behind: end the whole group the test started.
    if (running && exists(-running.child.pid!)) process.kill(-running.child.pid!, 'SIGKILL');
    running = undefined;
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  /** SIGTERM to npm's pid only, as systemd or a container runtime sends it; then nothing of the group may remain. */
  async function stopAsASupervisor(supervised: SupervisedProcess): Promise<void> {
    expect(supervised.appPid).not.toBe(supervised.child.pid);
    process.kill(supervised.child.pid!, 'SIGTERM');
    expect(await within(15_000, 'npm did not exit', supervised.exited)).toBe(0);
    const deadline = Date.now() + 5_000;
    while (exists(supervised.appPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(exists(supervised.appPid), `Darkroom (pid ${supervised.appPid}) still runs after npm exited`).toBe(false);
    expect(exists(-supervised.child.pid!), 'a process of the group npm led still runs').toBe(false);
  }

  it('npm start: the server finishes, exits and frees its port', async () => {
    const port = await freePort();
    running = await startNpmScript('start', { PORT: String(port), DATA_DIR: join(dataDir, 'api') });
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    await stopAsASupervisor(running);
    expect(running.output()).toContain('SIGTERM: finishing requests in flight');
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  }, 60_000);

  it('npm run worker: the worker finishes and exits', async () => {
    running = await startNpmScript('worker', { DATA_DIR: join(dataDir, 'worker') });
    await stopAsASupervisor(running);
    expect(running.output()).toContain('SIGTERM: finishing the jobs in hand');
  }, 60_000);
});
