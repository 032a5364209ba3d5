// Helpers the benchmarks share: child processes whose output is kept, free ports, readiness polling,
// a process's CPU time, and reading the verification link from Darkroom's log. Loopback only.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const HOST = '127.0.0.1';
const STARTUP_TIMEOUT_MS = 60_000;
const MAIL_TIMEOUT_MS = 15_000;
const REQUEST_TIMEOUT_MS = 15_000; // argon2 hashing makes register and login slow-ish
const PASSWORD = 'bench-correct-horse-battery-staple-42';
const STOP_TIMEOUT_MS = 15_000; // Darkroom's own shutdown timeout is 10 s

/** A node child process whose output is kept (last lines, for error reports) and can be waited on. */
export class Child {
  static all = new Set();

  constructor(name, args, env) {
    this.name = name;
    this.tail = [];
    this.listeners = new Set();
    this.proc = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.on('error', (err) => this.onLine(`[spawn error] ${err.message}`));
    this.exited = new Promise((res) => this.proc.once('exit', (code, signal) => res({ code, signal })));
    // Always drain both pipes: a child blocked on a full pipe would look like a slow server.
    for (const stream of [this.proc.stdout, this.proc.stderr]) createInterface({ input: stream }).on('line', (l) => this.onLine(l));
    Child.all.add(this);
  }

  get running() {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  onLine(line) {
    this.tail.push(line);
    if (this.tail.length > 30) this.tail.shift();
    for (const listener of this.listeners) listener(line);
  }

  /** Resolves with the first non-undefined pick(line) of output from now on. */
  waitFor(what, pick, timeoutMs) {
    return new Promise((resolvePick, reject) => {
      const finish = (fn, value) => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        fn(value);
      };
      const listener = (line) => {
        const value = pick(line);
        if (value !== undefined) finish(resolvePick, value);
      };
      const timer = setTimeout(() => finish(reject, new Error(`${this.name}: no ${what} within ${timeoutMs / 1000} s`)), timeoutMs);
      this.listeners.add(listener);
      void this.exited.then(() => finish(reject, new Error(`${this.name} exited while waiting for ${what}\n${this.lastOutput()}`)));
    });
  }

  async stop() {
    if (this.running) {
      this.proc.kill('SIGTERM');
      const timedOut = await Promise.race([this.exited.then(() => false), sleep(STOP_TIMEOUT_MS).then(() => true)]);
      if (timedOut && this.running) {
        console.error(`${this.name} did not stop within ${STOP_TIMEOUT_MS / 1000} s of SIGTERM; killing it`);
        this.proc.kill('SIGKILL');
      }
    }
    const result = await this.exited;
    Child.all.delete(this);
    return result;
  }

  lastOutput() {
    return this.tail.length ? `last output of ${this.name}:\n  ${this.tail.join('\n  ')}` : `${this.name} printed nothing`;
  }
}

/**
 * CPU seconds (user + system, all threads) a process has used so far, from /proc; null where there is
 * no /proc. The /proc tick is USER_HZ, 100 on Linux. Together with the wall time this tells whether
 * a side was short of CPU or stalled (cores left idle).
 */
export function cpuSecondsOf(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime (fields 14 and 15)
  } catch {
    return null;
  }
}

export function stopChildren() {
  return Promise.all([...Child.all].map((c) => c.stop()));
}

/**
 * Bounds a run: after `deadlineMs`, on Ctrl-C or on SIGTERM it runs `cleanUp` (which should stop the
 * children) and exits 1; whenever the process exits, a child still running is killed.
 */
export function guardRun(deadlineMs, cleanUp) {
  let aborting = false;
  const abort = async (why) => {
    if (aborting) return;
    aborting = true;
    console.error(`\n${why}; stopping child processes`);
    await Promise.race([cleanUp(), sleep(STOP_TIMEOUT_MS + 2000)]);
    process.exit(1);
  };
  setTimeout(() => abort(`gave up after ${deadlineMs / 1000} s`), deadlineMs).unref();
  process.once('SIGINT', () => abort('interrupted'));
  process.once('SIGTERM', () => abort('terminated'));
  process.on('exit', () => {
    for (const c of Child.all) if (c.running) c.proc.kill('SIGKILL');
  });
}

export async function freePort() {
  const server = createServer();
  server.listen(0, HOST);
  await new Promise((res, rej) => server.once('listening', res).once('error', rej));
  const { port } = server.address();
  await new Promise((res) => server.close(res));
  return port;
}

/** Only what a node process needs: a stray DATABASE_URL or REDIS_URL in the caller's shell must not leak in. */
export function baseEnv() {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'TZ'];
  return Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]]));
}

/** Polls url until it answers 200, failing fast if the child dies. */
export async function waitReady(child, url) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (!child.running) throw new Error(`${child.name} exited before it was ready\n${child.lastOutput()}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new Error(`${child.name} not ready at ${url} within ${STARTUP_TIMEOUT_MS / 1000} s\n${child.lastOutput()}`);
}

/** The verification link from the mail Darkroom logs (pino JSON, info level) when SMTP_URL is unset. */
export function verificationToken(line) {
  let text = line;
  try {
    const entry = JSON.parse(line);
    text = `${entry.text ?? ''}\n${entry.msg ?? ''}`;
  } catch {
    // not JSON: search the raw line
  }
  const m = /\/api\/v1\/auth\/verify-email\?token=([A-Za-z0-9._~%-]+)/.exec(text);
  return m ? decodeURIComponent(m[1]) : undefined;
}

/** One JSON API call; returns the status, parsed body and headers. Throws unless the status is expected. */
export async function call(base, method, path, expect, { token, body, headers: extra, timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
  const headers = { ...extra };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, {
    method,
    headers,
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  const expected = [expect].flat();
  if (!expected.includes(res.status)) throw new Error(`${method} ${path}: expected ${expected.join(' or ')}, got ${res.status}: ${text.slice(0, 500)}`);
  return { status: res.status, json: text ? JSON.parse(text) : null, headers: res.headers };
}

/**
 * Gets an API key the way a user would, from a server logging at info (the verification mail is an
 * info line): register, verify from the logged link, log in, find the organisation, create the key.
 */
async function signUpForApiKey(server, base, scopes) {
  const email = `bench-${Date.now()}@example.com`;
  // Listen before registering: the mail may be logged before the response arrives.
  const mailToken = server.waitFor('verification mail', verificationToken, MAIL_TIMEOUT_MS);
  mailToken.catch(() => {}); // awaited below; avoids an unhandled rejection if register throws first
  await call(base, 'POST', '/api/v1/auth/register', 201, { body: { email, password: PASSWORD, name: 'Bench' } });
  await call(base, 'POST', '/api/v1/auth/verify-email', 200, { body: { token: await mailToken } });
  const { accessToken } = (await call(base, 'POST', '/api/v1/auth/login', 200, { body: { email, password: PASSWORD } })).json;
  const me = (await call(base, 'GET', '/api/v1/me', 200, { token: accessToken })).json;
  const orgId = me.currentOrganization?.id;
  if (!orgId) throw new Error(`GET /api/v1/me has no currentOrganization.id: ${JSON.stringify(me)}`);
  const key = (await call(base, 'POST', `/api/v1/orgs/${orgId}/api-keys`, 201, { token: accessToken, body: { name: 'bench', scopes } })).json;
  if (!key?.secret?.startsWith('drk_')) throw new Error('the new API key has no secret in the response');
  return key.secret;
}

/**
 * An API key from a set-up server that `start(port)` launches logging at info (the verification mail
 * is an info line), stopped afterwards: the measured run logs less, and the key lives on in its database.
 */
export async function setUpApiKey(start, scopes) {
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const server = start(port);
  try {
    await waitReady(server, `${base}/readyz`);
    return await signUpForApiKey(server, base, scopes);
  } catch (err) {
    err.message += `\n${server.lastOutput()}`;
    throw err;
  } finally {
    const { code, signal } = await server.stop();
    if (code !== 0) console.error(`note: setup server exited with ${signal ?? `code ${code}`}`);
  }
}

/** A whole-number setting from the environment (BENCH_ROUNDS, ...), or `fallback`; exits 2 naming it when it is out of range. */
export function wholeFromEnv(name, fallback, min, max) {
  const raw = process.env[name] ?? String(fallback);
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    console.error(`${name} must be a whole number between ${min} and ${max}, got "${raw}"`);
    process.exit(2);
  }
  return n;
}
