import { spawn, type ChildProcess } from 'node:child_process';

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  base: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs a Darkroom entry point from source (as `npm run start:dev` does) and resolves with the match of `ready` in its output. */
function startProcess(entry: string, env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray; output: () => string; exited: Promise<number | null> }> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', entry], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', DATABASE_URL: '', REDIS_URL: '', CONFIG_DIR: 'config', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${entry} did not start:\n${out}`)), 40_000);
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
    void exited.then((code) => reject(new Error(`${entry} exited with ${code}:\n${out}`)));
  });
}

/** Runs src/main.ts as a real process and resolves once it listens. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const { match, ...rest } = await startProcess('src/main.ts', env, /listening on http:\/\/localhost:(\d+)/);
  return { ...rest, port: Number(match[1]), base: `http://127.0.0.1:${match[1]}` };
}

/** Runs src/worker.ts (`npm run worker`) as a real process and resolves once it runs jobs. */
export async function startWorkerProcess(env: Record<string, string>): Promise<Omit<ServerProcess, 'port' | 'base'>> {
  const { child, output, exited } = await startProcess('src/worker.ts', env, /worker running jobs/);
  return { child, output, exited };
}
