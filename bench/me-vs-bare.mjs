// How much of plain Fastify's throughput does Darkroom keep on its hottest authenticated call?
//
// Starts the built server (dist/src/main.js) with bench/config, obtains an API key through the public
// API as a user would, then loads GET /api/v1/me with that key and, for comparison, a bare Fastify
// server (bench/bare-server.mjs) answering the same body. See bench/README.md.
//
//   npm run bench                        # builds first
//   BENCH_ROUNDS=10 node bench/me-vs-bare.mjs
import autocannon from 'autocannon';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseEnv, call, Child, freePort, guardRun, HOST, ROOT, setUpApiKey, stopChildren, waitReady, wholeFromEnv } from './lib.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const MAIN = join(ROOT, 'dist/src/main.js');
const CONNECTIONS = 100;
const WARMUP_SECONDS = 2;
const ROUNDS = wholeFromEnv('BENCH_ROUNDS', 5, 1, 50);
const WINDOW_SECONDS = wholeFromEnv('BENCH_WINDOW', 4, 1, 60);
// Must match bench/config/plans.yaml: checked against the x-ratelimit-limit header before measuring.
const READS_PER_MINUTE = 100_000_000;
// Hard ceiling for the whole run, so a hung child can never keep it going.
const DEADLINE_MS = 240_000 + 3 * (WARMUP_SECONDS + ROUNDS * WINDOW_SECONDS) * 1000 * 1.5;

const TARGET_RATIO = 60; // % of bare Fastify's req/s
const TARGET_P99_GAP_MS = 2; // darkroom's p99 at most this much above bare Fastify's

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

async function load(url, headers, seconds) {
  const result = await autocannon({ url, connections: CONNECTIONS, headers, duration: seconds });
  if (result.non2xx || result.errors || result.timeouts) {
    const codes = Object.entries(result.statusCodeStats).map(([code, { count }]) => `${code}: ${count}`).join(', ');
    throw new Error(`${url}: ${result.non2xx} non-2xx responses, ${result.errors} errors, ${result.timeouts} timeouts (status codes ${codes})`);
  }
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99 };
}

/**
 * Rounds of one short window per server, in an order that rotates each round, so the machine's drift
 * falls on every server alike; the figures are the medians over rounds of each server's window and of
 * the per-round ratios.
 */
async function interleave(servers) {
  for (const s of servers) await load(s.url, s.headers, WARMUP_SECONDS);
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const windows = {};
    for (let k = 0; k < servers.length; k++) {
      const s = servers[(round + k) % servers.length];
      windows[s.key] = await load(s.url, s.headers, WINDOW_SECONDS);
    }
    rounds.push(windows);
    const { bare, nest, dark } = windows;
    console.log(`round ${round + 1}/${ROUNDS}: bare ${bare.rps.toFixed(0)} req/s p99 ${bare.p99} ms; plain nest ${nest.rps.toFixed(0)} (${pct(nest.rps, bare.rps)}); darkroom ${dark.rps.toFixed(0)} (${pct(dark.rps, bare.rps)}) p99 ${dark.p99} ms`);
  }
  return rounds;
}

const pct = (a, b) => `${((a / b) * 100).toFixed(1)}%`;

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function printReport(rounds) {
  const names = { bare: 'bare fastify', nest: 'plain nestjs on fastify (reference)', dark: 'darkroom GET /api/v1/me (API key, scope + throttle)' };
  const header = ['', 'req/s (median)', 'p50 ms', 'p99 ms'];
  const lines = [header, ...Object.entries(names).map(([key, name]) => [name, ...['rps', 'p50', 'p99'].map((f) => median(rounds.map((r) => r[key][f])).toFixed(f === 'rps' ? 0 : 1))])];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const fmt = (l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(`\n${fmt(lines[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const l of lines.slice(1)) console.log(fmt(l));

  const ratio = median(rounds.map((r) => (r.dark.rps / r.bare.rps) * 100));
  const nestRatio = median(rounds.map((r) => (r.nest.rps / r.bare.rps) * 100));
  const gap = median(rounds.map((r) => r.dark.p99 - r.bare.p99));
  const verdict = (ok) => (ok ? 'met' : 'NOT met');
  console.log(`\nmedians of the ${rounds.length} per-round figures:`);
  console.log(`plain nestjs / bare req/s: ${nestRatio.toFixed(1)}%   (the framework's own cost on this machine)`);
  console.log(`darkroom / bare req/s: ${ratio.toFixed(1)}%   aim: >= ${TARGET_RATIO}%  (${verdict(ratio >= TARGET_RATIO)})`);
  console.log(`darkroom p99 - bare p99: ${gap.toFixed(1)} ms   aim: <= ${TARGET_P99_GAP_MS} ms  (${verdict(gap <= TARGET_P99_GAP_MS)})`);
  console.log(`\nratio: ${ratio.toFixed(1)}% of bare fastify req/s (plain nestjs: ${nestRatio.toFixed(1)}%); darkroom p99 ${gap.toFixed(1)} ms above bare (${ROUNDS} rounds of ${WINDOW_SECONDS} s)`);
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
  console.log(`node ${process.version}, ${availableParallelism()} cores; ${CONNECTIONS} connections; ${WARMUP_SECONDS} s warm-up, then ${ROUNDS} rounds of one ${WINDOW_SECONDS} s window per server\n`);
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

    // One server loaded at a time, never together: they share the same cores (and with autocannon, too).
    const rounds = await interleave([
      { key: 'bare', url: `${bareBase}/api/v1/me`, headers: {} },
      { key: 'nest', url: `${nestBase}/api/v1/me`, headers: {} },
      { key: 'dark', url: `${darkBase}/api/v1/me`, headers: { authorization: `Bearer ${apiKey}` } },
    ]);
    printReport(rounds);
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
