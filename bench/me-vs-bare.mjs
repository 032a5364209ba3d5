// How much of plain Fastify's throughput does Darkroom keep on its hottest authenticated call?
//
// Starts the built server (dist/src/main.js) with bench/config, obtains an API key through the public
// API as a user would, then loads GET /api/v1/me with that key and, for comparison, a bare Fastify
// server (bench/bare-server.mjs) answering the same body. See bench/README.md.
//
//   npm run bench                        # builds first
//   BENCH_DURATION=30 node bench/me-vs-bare.mjs
import autocannon from 'autocannon';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseEnv, call, Child, freePort, guardRun, HOST, ROOT, setUpApiKey, stopChildren, waitReady } from './lib.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const MAIN = join(ROOT, 'dist/src/main.js');
const CONNECTIONS = 100;
const WARMUP_SECONDS = 2;
const DURATION = parseDuration(process.env.BENCH_DURATION ?? '10');
// Must match bench/config/plans.yaml: checked against the x-ratelimit-limit header before measuring.
const READS_PER_MINUTE = 100_000_000;
const STARTUP_TIMEOUT_MS = 60_000;
// Hard ceiling for the whole run, so a hung child can never keep it going.
const DEADLINE_MS = 240_000 + 4 * (WARMUP_SECONDS + DURATION) * 1000;

const TARGET_RATIO = 60;
const TARGET_P99_MS = 5;

function parseDuration(raw) {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 600) {
    console.error(`BENCH_DURATION must be a whole number of seconds between 1 and 600, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

function startDarkroom(name, port, dataDir, logLevel) {
  // BENCH_CPU_PROF_DIR=dir writes a V8 CPU profile of each Darkroom run there, to see where time goes.
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF_DIR)}`] : [];
  return new Child(name, [...profile, MAIN], {
    ...baseEnv(),
    PORT: String(port),
    HOST,
    PUBLIC_URL: `http://${HOST}:${port}`,
    DATA_DIR: dataDir,
    CONFIG_DIR: join(BENCH_DIR, 'config'),
    LOG_LEVEL: logLevel,
    PUBLIC_REQUESTS_PER_MINUTE: '1000000',
    SMTP_URL: '', // mail must go to the log, where the verification token is read from
  });
}

async function load(title, url, headers, { requireAll2xx }) {
  const opts = { url, connections: CONNECTIONS, headers };
  process.stdout.write(`${title}: warm-up ${WARMUP_SECONDS} s, `);
  const warm = await autocannon({ ...opts, duration: WARMUP_SECONDS });
  if (requireAll2xx) assertAll2xx(`${title} (warm-up)`, warm);
  process.stdout.write(`measuring ${DURATION} s ... `);
  const result = await autocannon({ ...opts, duration: DURATION });
  console.log(`${result.requests.average} req/s`);
  if (requireAll2xx) assertAll2xx(title, result);
  return result;
}

function assertAll2xx(title, r) {
  if (r.non2xx || r.errors || r.timeouts) {
    const codes = Object.entries(r.statusCodeStats).map(([code, { count }]) => `${code}: ${count}`).join(', ');
    throw new Error(`${title}: ${r.non2xx} non-2xx responses, ${r.errors} errors, ${r.timeouts} timeouts (status codes ${codes})`);
  }
}

function printReport(rows) {
  const header = ['', 'req/s (avg)', 'p50 ms', 'p99 ms', 'requests'];
  const lines = [header, ...rows.map(([name, r]) => [name, r.requests.average.toFixed(0), String(r.latency.p50), String(r.latency.p99), String(r.latency.totalCount)])];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const fmt = (l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(`\n${fmt(lines[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const l of lines.slice(1)) console.log(fmt(l));

  const [bare, nest, dark] = rows.map(([, r]) => r);
  const ratio = (dark.requests.average / bare.requests.average) * 100;
  const nestRatio = (nest.requests.average / bare.requests.average) * 100;
  console.log(`\nplain nestjs / bare req/s: ${nestRatio.toFixed(1)}%   (the framework's own cost on this machine)`);
  const p99 = dark.latency.p99;
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  console.log(`\ndarkroom / bare req/s: ${ratio.toFixed(1)}%   aim: >= ${TARGET_RATIO}% of bare req/s  (${verdict(ratio >= TARGET_RATIO)})`);
  console.log(`darkroom p99: ${p99} ms   aim: p99 < ${TARGET_P99_MS} ms  (${verdict(p99 < TARGET_P99_MS)})`);
  console.log(`\nratio: ${ratio.toFixed(1)}% of bare fastify req/s (plain nestjs: ${nestRatio.toFixed(1)}%); darkroom p99 ${p99} ms`);
}

/** Starts a reference server answering GET /api/v1/me with the payload; resolves with its base URL. */
async function startReference(name, script, payloadFile) {
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const child = new Child(name, [join(BENCH_DIR, script)], { ...baseEnv(), PORT: String(port), BARE_PAYLOAD_FILE: payloadFile });
  await waitReady(child, `${base}/api/v1/me`);
  return base;
}

async function main() {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} not found: run \`npm run build\` first (or use \`npm run bench\`)`);
  console.log(`node ${process.version}, ${availableParallelism()} cores; ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${DURATION} s per server\n`);
  tmp = await mkdtemp(join(tmpdir(), 'darkroom-bench-'));
  try {
    const dataDir = join(tmp, 'data');
    console.log('setting up: register, verify email, log in, create API key ...');
    const apiKey = await setUpApiKey((port) => startDarkroom('darkroom (setup)', port, dataDir, 'info'), ['credits:read', 'keys:read']);

    const darkPort = await freePort();
    const darkBase = `http://${HOST}:${darkPort}`;
    const darkroom = startDarkroom('darkroom', darkPort, dataDir, 'warn');
    await waitReady(darkroom, `${darkBase}/readyz`);
    const me = await call(darkBase, 'GET', '/api/v1/me', 200, { token: apiKey });
    const limit = me.headers.get('x-ratelimit-limit');
    if (limit !== String(READS_PER_MINUTE)) {
      throw new Error(`x-ratelimit-limit is ${limit}, expected ${READS_PER_MINUTE}: is bench/config/plans.yaml in use?`);
    }
    const payloadFile = join(tmp, 'me.json');
    await writeFile(payloadFile, JSON.stringify(me.json));

    const bareBase = await startReference('bare fastify', 'bare-server.mjs', payloadFile);
    const nestBase = await startReference('plain nest', 'plain-nest-server.mjs', payloadFile);
    console.log(`servers ready; /me body is ${Buffer.byteLength(JSON.stringify(me.json))} bytes\n`);

    // One after the other, never together: they share the same cores (and with autocannon, too).
    const bareResult = await load('bare fastify', `${bareBase}/api/v1/me`, {}, { requireAll2xx: true });
    const nestResult = await load('plain nest', `${nestBase}/api/v1/me`, {}, { requireAll2xx: true });
    const darkResult = await load('darkroom', `${darkBase}/api/v1/me`, { authorization: `Bearer ${apiKey}` }, { requireAll2xx: true });

    printReport([
      ['bare fastify', bareResult],
      ['plain nestjs on fastify (reference)', nestResult],
      ['darkroom GET /api/v1/me (API key, scope + throttle)', darkResult],
    ]);
  } finally {
    await cleanUp();
  }
}

let tmp; // DATA_DIR and the bare server's payload; removed however the run ends

async function cleanUp() {
  await stopChildren();
  if (tmp) await rm(tmp, { recursive: true, force: true });
}

// Bounded run time and clean-up on Ctrl-C, whatever state the run is in.
guardRun(DEADLINE_MS, cleanUp);

try {
  await main();
  process.exit(0);
} catch (err) {
  console.error(`\nbenchmark failed: ${err.message}`);
  process.exit(1);
}
