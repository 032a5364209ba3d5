// Runs the shell examples of README.md and docs/*.md against a fresh server, as a reader would.
//
//   node scripts/doc-examples.mjs                 # README.md, then every docs/*.md in the order below
//   node scripts/doc-examples.mjs docs/credits.md # README.md (for its variables), then the named guides
//
// The conventions (also in docs/development.md, "The docs' examples are tests"):
// - Every ```sh block runs, unless the line before its fence is `<!-- not-tested: <reason> -->`.
// - A block of any language whose fence follows `<!-- file: NAME -->` is written to NAME in the
//   working directory when the file's commands reach it (its `node_modules` is the project's, as if
//   the packages a guide asks to `npm install` were installed).
// - README.md runs first, then the guides in the order README's "Guides" list links them, then any
//   other docs/*.md by name.
// - Each file runs in its own bash session, its blocks in order, one command at a time, in one
//   working directory shared by all files, where the server's log is `darkroom.log` (as after
//   `npm start | tee darkroom.log`). Files after README.md start with README's BASE, TOKEN, ORG and KEY.
// - A command fails the run when it exits non-zero, when a curl cannot connect, or when a curl is
//   answered 4xx/5xx. A comment on the line right after a command that starts with a status
//   (`# 202 {...}`, `# 404 ...`) says what its last curl must be answered instead.
// - Substitutions: `http://localhost:3000` becomes the test server's address, `<token from the log>`
//   the token of the verification mail and `<invitation token from the log>` that of the invitation
//   mail which the command just before caused (waiting for the outbox to log it).
//
// The server is src/main.ts run from source (as `npm run start:dev` does) on a random port with a
// fresh DATA_DIR, PUBLIC_URL pointing at it, ADMIN_EMAILS=ops@example.com, and DATABASE_URL and
// REDIS_URL as this script was given them (empty: SQLite and counters in memory).
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const COMMAND_TIMEOUT_MS = 60_000;
const SHARED_VARIABLES = ['BASE', 'TOKEN', 'ORG', 'KEY'];
const NOT_TESTED = /^<!--\s*not-tested:\s*\S.*-->$/;
const FILE = /^<!--\s*file:\s*(\S+)\s*-->$/;
const EXPECTED_STATUS = /^#\s*(\d{3})\b/;

/**
 * The blocks of a Markdown file the test acts on, in order: ```sh blocks (their first line, their
 * commands, whether they are skipped) and blocks to write to a file.
 */
export function shellBlocks(markdown) {
  const lines = markdown.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)```(\w*)\s*$/.exec(lines[i]);
    if (!fence) continue;
    const indent = fence[1].length;
    const body = [];
    let j = i + 1;
    for (; j < lines.length && !/^\s*```\s*$/.test(lines[j]); j++) body.push(lines[j].slice(Math.min(indent, lines[j].search(/\S|$/))));
    let k = i - 1;
    while (k >= 0 && lines[k].trim() === '') k--;
    const marker = k >= 0 ? lines[k].trim() : '';
    const file = FILE.exec(marker)?.[1];
    if (file) blocks.push({ line: i + 1, file, content: `${body.join('\n')}\n`, commands: [] });
    else if (fence[2] === 'sh') {
      const skipped = NOT_TESTED.test(marker);
      blocks.push({ line: i + 1, skipped, commands: skipped ? [] : splitCommands(body, i + 2) });
    }
    i = j;
  }
  return blocks;
}

/** Splits a block into whole commands (bash decides where one ends), each with the status its next-line comment expects. */
function splitCommands(body, firstLine) {
  const commands = [];
  let pending = [];
  let startLine = 0;
  for (let n = 0; n < body.length; n++) {
    const line = body[n];
    if (!pending.length) {
      if (line.trim() === '' || line.trim().startsWith('#')) continue;
      startLine = firstLine + n;
    }
    pending.push(line);
    const text = pending.join('\n');
    if (line.endsWith('\\') || spawnSync('bash', ['-n'], { input: text }).status !== 0) continue;
    const expected = EXPECTED_STATUS.exec((body[n + 1] ?? '').trim());
    commands.push({ text, line: startLine, expectedStatus: expected ? Number(expected[1]) : null });
    pending = [];
  }
  if (pending.length) throw new Error(`line ${startLine}: the block ends inside a command:\n${pending.join('\n')}`);
  return commands;
}

function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
    srv.on('error', rej);
  });
}

async function startServer(workDir) {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const logPath = join(workDir, 'darkroom.log');
  const log = createWriteStream(logPath);
  const child = spawn(process.execPath, ['-r', '@swc-node/register', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME ?? workDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: base,
      DATA_DIR: join(workDir, 'data'),
      CONFIG_DIR: 'config',
      LOG_LEVEL: 'info',
      ADMIN_EMAILS: 'ops@example.com',
      DATABASE_URL: process.env.DATABASE_URL ?? '',
      REDIS_URL: process.env.REDIS_URL ?? '',
      RATE_LIMIT_KEY_PREFIX: `docs-${process.pid}-${Date.now().toString(36)}`,
      SMTP_URL: '',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise((r) => child.on('exit', (code) => r(code)));
  await new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`the server did not start:\n${output}`)), 60_000);
    const onData = (chunk) => {
      log.write(chunk);
      output += chunk;
      if (output.includes('listening on')) {
        clearTimeout(timer);
        res();
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => rej(new Error(`the server exited with ${code}:\n${output}`)));
  });
  return {
    base,
    logPath,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
      log.end();
    },
  };
}

/**
 * One bash session: commands go in one at a time. curl's statuses and each command's exit code come
 * back on fd 3; a marker on each of stdout, stderr and fd 3 tells when all a command printed is in.
 */
class Session {
  constructor(workDir, env) {
    this.proc = spawn('bash', ['--noprofile', '--norc'], { cwd: workDir, env, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
    this.streams = { out: '', err: '', control: '' };
    this.count = 0;
    this.waiting = null;
    this.proc.stdout.on('data', (c) => this.received('out', c));
    this.proc.stderr.on('data', (c) => this.received('err', c));
    this.proc.stdio[3].on('data', (c) => this.received('control', c));
    this.proc.on('exit', () => this.waiting?.());
    this.proc.stdin.on('error', () => {});
    // pipefail: `curl ... | node -pe ...` fails when curl does. curl writes its status after each transfer.
    this.proc.stdin.write(
      `set -o pipefail\ncurl() { command curl "$@" -w '%{stderr}__status__ %{http_code}\\n' 2>&3; local code=$?; [ $code = 0 ] || echo "curl exited with $code" >&3; return $code; }\n`,
    );
  }

  received(stream, chunk) {
    this.streams[stream] += chunk;
    this.waiting?.();
  }

  /** Runs one command: its exit code (null if it timed out), the statuses its curls were answered, and what it printed. */
  run(text) {
    const id = ++this.count;
    this.streams = { out: '', err: '', control: '' };
    const marker = `__end_${id}__`;
    this.proc.stdin.write(`{\n${text}\n} </dev/null\n__rc=$?; printf '\\n${marker}\\n'; printf '\\n${marker}\\n' >&2; printf '${marker} %s\\n' "$__rc" >&3\n`);
    return new Promise((res) => {
      const timer = setTimeout(() => finish(null), COMMAND_TIMEOUT_MS);
      const finish = (code) => {
        clearTimeout(timer);
        this.waiting = null;
        const { out, err, control } = this.streams;
        const statuses = [...control.matchAll(/^__status__ (\d{3})$/gm)].map((m) => Number(m[1]));
        const notes = control.split('\n').filter((l) => l && !l.startsWith('__')).join('\n');
        const printed = [out, err].map((t) => t.split(`\n${marker}`)[0]).join('\n');
        res({ code, statuses, control, output: `${printed}${notes ? `\n${notes}` : ''}`.trim() });
      };
      this.waiting = () => {
        const done = new RegExp(`^${marker} (\\d+)$`, 'm').exec(this.streams.control);
        if (done && this.streams.out.includes(marker) && this.streams.err.includes(marker)) finish(Number(done[1]));
        else if (this.proc.exitCode !== null) finish(this.proc.exitCode);
      };
    });
  }

  async variables(names) {
    const { control } = await this.run(names.map((n) => `printf '__var__ %s=%s\\n' ${n} "$${n}" >&3`).join('\n'));
    return Object.fromEntries([...control.matchAll(/^__var__ (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  }

  close() {
    this.proc.stdin.end();
    this.proc.kill();
  }
}

/** Why a command's result is a failure, or null. */
function failure(command, result) {
  if (result.code === null) return `did not finish within ${COMMAND_TIMEOUT_MS / 1000} s`;
  if (result.statuses.includes(0)) return 'a curl could not connect';
  const last = result.statuses.at(-1);
  if (command.expectedStatus !== null) {
    return last === command.expectedStatus ? null : `expected ${command.expectedStatus}, answered ${last ?? 'nothing (no curl ran)'}`;
  }
  if (result.code !== 0) return `exited with ${result.code}`;
  const bad = result.statuses.find((s) => s >= 400);
  return bad ? `answered ${bad}` : null;
}

/** What a reader copies from the mail in the log: a placeholder and where its value is in the mail. */
const FROM_THE_LOG = {
  '<token from the log>': /verify-email\?token=([A-Za-z0-9_-]+)/g,
  '<invitation token from the log>': /invitations\/(inv_[A-Za-z0-9_-]+)\/accept/g,
};

async function substitute(text, server, since) {
  text = text.replaceAll('http://localhost:3000', server.base);
  for (const [placeholder, pattern] of Object.entries(FROM_THE_LOG)) {
    if (text.includes(placeholder)) text = text.replaceAll(placeholder, await tokenLoggedSince(server, since, placeholder, pattern));
  }
  return text;
}

/** The token of the newest such mail logged since `since` (a length of the log), once the outbox has logged it. */
async function tokenLoggedSince(server, since, placeholder, pattern) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const token = [...readFileSync(server.logPath, 'utf8').slice(since).matchAll(pattern)].at(-1)?.[1];
    if (token) return token;
    if (Date.now() > deadline) throw new Error(`no mail for ${placeholder} in the log since the command before`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runFile(file, server, workDir, env) {
  const blocks = shellBlocks(readFileSync(join(ROOT, file), 'utf8'));
  const session = new Session(workDir, env);
  let ran = 0;
  let previousStart = statSync(server.logPath).size;
  try {
    for (const [b, block] of blocks.entries()) {
      if (block.file) writeFileSync(join(workDir, block.file), block.content);
      for (const [c, command] of block.commands.entries()) {
        const text = await substitute(command.text, server, previousStart);
        previousStart = statSync(server.logPath).size;
        const result = await session.run(text);
        const why = failure(command, result);
        if (why) {
          throw new Error(`${file}, block ${b + 1} (line ${block.line}), command ${c + 1} (line ${command.line}) ${why}:\n${command.text}\n--- it printed:\n${result.output}`);
        }
        ran++;
      }
    }
    const skipped = blocks.filter((b) => b.skipped).length;
    const shell = blocks.filter((b) => !b.file).length;
    if (shell) console.log(`${file}: ${ran} command(s) in ${shell - skipped} block(s) passed${skipped ? `, ${skipped} block(s) not tested` : ''}`);
    return file === 'README.md' ? await session.variables(SHARED_VARIABLES) : {};
  } finally {
    session.close();
  }
}

/** docs/*.md in the order README.md's "Guides" section links them, then the others by name. */
function guidesInReadingOrder() {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Guides'));
  const linked = [...section.matchAll(/\]\((docs\/[\w.-]+\.md)\)/g)].map((m) => m[1]);
  const all = readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`);
  return [...new Set(linked.filter((f) => all.includes(f))), ...all.filter((f) => !linked.includes(f))];
}

async function main() {
  const named = process.argv.slice(2).map((f) => relative(ROOT, resolve(f)));
  const guides = named.length ? named.filter((f) => f !== 'README.md') : guidesInReadingOrder();
  const workDir = mkdtempSync(join(tmpdir(), 'darkroom-docs-'));
  symlinkSync(join(ROOT, 'node_modules'), join(workDir, 'node_modules'));
  const server = await startServer(workDir);
  const env = { PATH: process.env.PATH, HOME: workDir, LANG: 'C.UTF-8' };
  try {
    const shared = await runFile('README.md', server, workDir, env);
    for (const guide of guides) await runFile(guide, server, workDir, { ...env, ...shared });
  } finally {
    await server.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
