import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  base: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Variables for a process under test; `undefined` leaves a variable out even if the test runner has it. */
export type ProcessEnv = Record<string, string | undefined>;

const LISTENING = /listening on http:\/\/localhost:(\d+)/;
const WORKER_READY = /worker running jobs/;

function processEnv(env: ProcessEnv): NodeJS.ProcessEnv {
  const merged: ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_URL: '', REDIS_URL: '', CONFIG_DIR: 'config', ...env };
  return Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined));
}

/** Spawns a command and resolves with the match of `ready` in its output; one that never gets ready is killed (its whole group when detached). */
function startProcess(command: string, args: string[], env: ProcessEnv, ready: RegExp, detached = false): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(command, args, { env: processEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached });
  let out = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const name = [command, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill(detached ? -child.pid! : child.pid!, 'SIGKILL');
      reject(new Error(`${name} did not start:\n${out}`));
    }, 40_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => out, exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then((code) => reject(new Error(`${name} exited with ${code}:\n${out}`)));
  });
}

/** Runs src/main.ts as a real process (as `npm run start:dev` does) and resolves once it listens. */
export async function startServerProcess(env: ProcessEnv): Promise<ServerProcess> {
  const { match, ...rest } = await startProcess(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], env, LISTENING);
  return { ...rest, port: Number(match[1]), base: `http://127.0.0.1:${match[1]}` };
}

/** Runs src/worker.ts (`npm run worker`) as a real process and resolves once it runs jobs. */
export async function startWorkerProcess(env: ProcessEnv): Promise<Omit<ServerProcess, 'port' | 'base'>> {
  const { child, output, exited } = await startProcess(process.execPath, ['-r', '@swc-node/register', 'src/worker.ts'], env, WORKER_READY);
  return { child, output, exited };
}

export interface SupervisedProcess {
  /** The pid a supervisor holds: npm's. It leads its own process group, as under a supervisor. */
  child: ChildProcess;
  /** The pid of the Darkroom process itself, from its log lines. */
  appPid: number;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * Runs a documented npm command (`npm start`, `npm run worker`) in its own process group, as a
 * supervisor would, and resolves once Darkroom is ready. npm's pre-script (the build) is skipped:
 * `ensureBuilt` built dist/ once instead, so suites running in parallel do not rebuild it under each other.
 */
export async function startNpmScript(script: 'start' | 'worker', env: ProcessEnv): Promise<SupervisedProcess> {
  const args = script === 'start' ? ['start', '--ignore-scripts'] : ['run', 'worker', '--ignore-scripts'];
  // The log line saying it is ready also carries the pid of the process that wrote it.
  const ready = new RegExp(`"pid":(\\d+),[^\\n]*${script === 'start' ? LISTENING.source : WORKER_READY.source}`);
  const { child, match, output, exited } = await startProcess('npm', args, env, ready, true);
  return { child, appPid: Number(match[1]), output, exited };
}

function newestSource(dir: string): number {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
    .reduce((newest, entry) => Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs), 0);
}

/** Builds dist/ (`npm run build`) unless it is newer than every source file, as after CI's build. */
export function ensureBuilt(): void {
  const main = 'dist/src/main.js';
  if (existsSync(main) && statSync(main).mtimeMs > Math.max(newestSource('src'), newestSource('plugins'))) return;
  execFileSync('npm', ['run', 'build'], { stdio: 'pipe', timeout: 180_000 });
}

/** A port free on 127.0.0.1 right now, for a server that must be started on a known port. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
