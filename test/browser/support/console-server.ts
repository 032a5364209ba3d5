import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../support/server-process';

/** Registered in ADMIN_EMAILS: signs up like anyone and is the installation's operator. */
export const OPERATOR_EMAIL = 'ops@example.com';

export interface ConsoleServer {
  /** http://127.0.0.1:<port>, also the server's PUBLIC_URL. */
  base: string;
  /** The newest link to `path` in a mail to `email`, as its reader copies it from the server's log. */
  mailedLink(email: string, path: string): Promise<string>;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 40_000;
const MAIL_TIMEOUT_MS = 15_000;

/**
 * Starts the built server (`node dist/src/main.js`, as `npm start` runs it) the way a user would: a
 * fresh DATA_DIR (SQLite), PUBLIC_URL on its own port, an operator, and no SMTP_URL, so mail goes
 * to its log. Only the variables a shell would pass go along, not the test runner's, plus a suite's
 * own `settings` (e.g. ALLOW_PRIVATE_URLS for a webhook receiver on 127.0.0.1).
 */
export async function startConsoleServer(settings: Record<string, string> = {}): Promise<ConsoleServer> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = mkdtempSync(join(tmpdir(), 'darkroom-browser-'));
  const keep = ['PATH', 'HOME', 'LANG', 'TZ'].filter((name) => process.env[name] !== undefined);
  const env = {
    ...Object.fromEntries(keep.map((name) => [name, process.env[name]])),
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: base,
    DATA_DIR: dataDir,
    ADMIN_EMAILS: OPERATOR_EMAIL,
    LOG_LEVEL: 'info',
    ...settings,
  };
  const child = spawn(process.execPath, ['dist/src/main.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  const onData = (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const log = () => [...lines, partial].join('\n');

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      if ((await Promise.race([exited, sleep(15_000, 'timeout')])) === 'timeout') child.kill('SIGKILL');
    }
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!lines.some((line) => line.includes('listening on http://'))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the server did not start (did \`npm run build\` run?):\n${log()}`);
    }
    await sleep(100);
  }

  const mailedLink = async (email: string, path: string) => {
    const until = Date.now() + MAIL_TIMEOUT_MS;
    for (;;) {
      const link = lines.map((line) => linkInMail(line, email, path)).filter(Boolean).pop();
      if (link) return link;
      if (Date.now() > until) throw new Error(`no mail to ${email} with a link to ${path} in the server's log:\n${log()}`);
      await sleep(100);
    }
  };
  return { base, mailedLink, stop };
}

/** The link to `path` in a logged mail (a pino JSON line with mailTo and text) to `email`. */
function linkInMail(line: string, email: string, path: string): string | undefined {
  let entry: { mailTo?: string; text?: string };
  try {
    entry = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (entry.mailTo !== email) return undefined;
  return entry.text?.match(/https?:\/\/\S+/g)?.find((url) => new URL(url).pathname.includes(path));
}
