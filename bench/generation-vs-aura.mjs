// What does the platform cost on top of rendering? Generations per second through Darkroom's HTTP API
// (submit with Prefer: wait, to completed job) against the aura renderer called directly, with the
// same inputs and the same number in flight. See bench/README.md.
//
//   npm run build && node bench/generation-vs-aura.mjs
//   BENCH_GENERATIONS=500 node bench/generation-vs-aura.mjs
//
// The bare side runs in a child process (this file again, with BARE_FLAG), so it has an event loop
// of its own, as the server does, and the client's work is not counted against it.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { baseEnv, call, Child, cpuSecondsOf, freePort, guardRun, HOST, ROOT, setUpApiKey, stopChildren, waitReady } from './lib.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const MAIN = join(ROOT, 'dist/src/main.js');
const AURA_RENDER = join(ROOT, 'dist/plugins/providers/aura/render.js');
const CONFIG_DIR = join(BENCH_DIR, 'generation-config');
const BARE_FLAG = '--bare-aura-renders';

const IN_FLIGHT = 8; // = jobs.concurrency in bench/generation-config/default.yaml
const WARMUP = 16; // generations / renders run first and thrown away (JIT, caches, connections)
const SIZE = 256;
const STYLE = 'digital-art';
const WAIT_SECONDS = 60; // Prefer: wait=60, the most the API allows
// Must match bench/generation-config/plans.yaml: checked against x-ratelimit-limit before measuring.
const WORK_PER_MINUTE = 100_000_000;
const TARGET_RATIO = 80;

const STARTUP_TIMEOUT_MS = 60_000;
const GENERATION_TIMEOUT_MS = (WAIT_SECONDS + 15) * 1000; // one submit (it may wait the full 60 s)
const POLL_MS = 50; // only if a submit answers 202; short, so polling does not stretch the figure

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function parseCount(raw) {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) {
    console.error(`BENCH_GENERATIONS must be a whole number between 1 and 100000, got "${raw}"`);
    process.exit(2);
  }
  return n;
}

/** The same inputs on both sides: measured item i is prompt "bench i" with seed i. */
const inputs = (i, warmup) => ({ prompt: `${warmup ? 'warm-up' : 'bench'} ${i}`, seed: i });

/**
 * Runs task(0..count-1) with `inFlight` at a time; returns the wall time from the first start to the
 * last completion and each task's own duration. The first failure rejects (the caller ends the run).
 */
async function runPool(count, inFlight, task) {
  const latencies = [];
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      const t = performance.now();
      await task(i);
      latencies.push(performance.now() - t);
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return { seconds: (performance.now() - start) / 1000, latencies };
}

// ---------------------------------------------------------------------------------------------------
// Bare side: the child process. Prints one line, `RESULT {json}`, and exits.

async function bareChild(count) {
  // The compiled renderer is CommonJS; the exact code the server's aura provider runs.
  const { renderGeneration } = createRequire(import.meta.url)(AURA_RENDER);
  const render = async (i, warmup) => {
    const { prompt, seed } = inputs(i, warmup);
    const png = await renderGeneration({ prompt, negativePrompt: undefined, style: STYLE, width: SIZE, height: SIZE, format: 'png', seed });
    if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`render ${i} did not produce a PNG`);
  };
  await runPool(WARMUP, IN_FLIGHT, (i) => render(i, true));
  const cpuBefore = process.cpuUsage();
  const result = await runPool(count, IN_FLIGHT, (i) => render(i, false));
  const cpu = process.cpuUsage(cpuBefore);
  console.log(`RESULT ${JSON.stringify({ ...result, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}`);
}

// ---------------------------------------------------------------------------------------------------
// Parent: child processes, Darkroom setup, the HTTP side, the report. Helpers as in bench/me-vs-bare.mjs.

/** Log level, throttle and job concurrency come from bench/generation-config/default.yaml unless overridden here. */
function startDarkroom(name, port, dataDir, extraEnv = {}) {
  // BENCH_CPU_PROF_DIR=dir writes a V8 CPU profile of the server to dir, to see where time goes.
  const profile = process.env.BENCH_CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_CPU_PROF_DIR)}`] : [];
  return new Child(name, [...profile, MAIN], {
    ...baseEnv(),
    PORT: String(port),
    HOST, // loopback whatever the YAML says
    PUBLIC_URL: `http://${HOST}:${port}`,
    DATA_DIR: dataDir,
    CONFIG_DIR,
    SMTP_URL: '', // mail must go to the log, where the verification token is read from
    ...extraEnv,
  });
}

const TERMINAL = ['completed', 'failed', 'canceled'];

/**
 * One generation through the API, submit to completed job. Normally the submit itself answers 200
 * with the finished job (Prefer: wait); a 202 is polled to the end. Anything but a completed job with
 * one PNG output throws.
 */
async function generate(base, apiKey, i, warmup, stats) {
  const { prompt, seed } = inputs(i, warmup);
  const submit = await call(base, 'POST', '/api/v1/images/generations', [200, 202], {
    token: apiKey,
    headers: { prefer: `wait=${WAIT_SECONDS}` },
    body: { prompt, size: `${SIZE}x${SIZE}`, style: STYLE, seed },
    timeoutMs: GENERATION_TIMEOUT_MS,
  });
  if (stats.rateLimit === undefined) stats.rateLimit = submit.headers.get('x-ratelimit-limit');
  let job = submit.json;
  if (submit.status === 202) {
    stats.accepted += 1;
    const until = Date.now() + GENERATION_TIMEOUT_MS;
    while (!TERMINAL.includes(job.status)) {
      if (Date.now() > until) throw new Error(`job ${job.id} (${prompt}) still ${job.status} after ${GENERATION_TIMEOUT_MS / 1000} s of polling`);
      await sleep(POLL_MS);
      job = (await call(base, 'GET', `/api/v1/jobs/${job.id}`, 200, { token: apiKey })).json;
    }
  }
  if (job.status !== 'completed') throw new Error(`job ${job.id} (${prompt}) ended ${job.status}: ${JSON.stringify(job.error)}`);
  const out = job.outputs ?? [];
  if (out.length !== 1 || out[0].format !== 'png' || out[0].width !== SIZE || out[0].height !== SIZE) {
    throw new Error(`job ${job.id} (${prompt}) completed with unexpected outputs: ${JSON.stringify(out)}`);
  }
}

async function measureDarkroom(dataDir, apiKey, count) {
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const server = startDarkroom('darkroom', port, dataDir);
  try {
    await waitReady(server, `${base}/readyz`);
    const stats = { accepted: 0, rateLimit: undefined };
    process.stdout.write(`darkroom HTTP API: warm-up ${WARMUP}, `);
    await runPool(WARMUP, IN_FLIGHT, (i) => generate(base, apiKey, i, true, stats));
    if (stats.rateLimit !== String(WORK_PER_MINUTE)) {
      throw new Error(`x-ratelimit-limit is ${stats.rateLimit}, expected ${WORK_PER_MINUTE}: is bench/generation-config/plans.yaml in use?`);
    }
    stats.accepted = 0;
    process.stdout.write(`measuring ${count} ... `);
    const cpuBefore = cpuSecondsOf(server.proc.pid);
    const result = await runPool(count, IN_FLIGHT, (i) => generate(base, apiKey, i, false, stats));
    const cpuAfter = cpuSecondsOf(server.proc.pid);
    result.cpuSeconds = cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore;
    console.log(`${(count / result.seconds).toFixed(1)} generations/s`);
    // A 202 means the job outlived Prefer: wait=60; the figure still counts it (polled to the end).
    if (stats.accepted) console.log(`  note: ${stats.accepted} submit(s) answered 202 and were polled to completion`);
    return result;
  } catch (err) {
    err.message += `\n${server.lastOutput()}`;
    throw err;
  } finally {
    const { code, signal } = await server.stop();
    if (code !== 0) console.error(`note: darkroom exited with ${signal ?? `code ${code}`}`);
  }
}

async function measureBare(count, timeoutMs) {
  process.stdout.write(`bare aura renders: warm-up ${WARMUP}, measuring ${count} ... `);
  const child = new Child('bare aura renders', [fileURLToPath(import.meta.url), BARE_FLAG], { ...baseEnv(), BENCH_GENERATIONS: String(count) });
  const result = await child.waitFor('result', (line) => (line.startsWith('RESULT ') ? JSON.parse(line.slice(7)) : undefined), timeoutMs);
  // It exits by itself after the result line; the run's deadline covers a child that does not.
  const { code, signal } = await child.exited;
  Child.all.delete(child);
  if (code !== 0) throw new Error(`bare aura renders exited with ${signal ?? `code ${code}`}\n${child.lastOutput()}`);
  console.log(`${(count / result.seconds).toFixed(1)} renders/s`);
  return result;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function printReport(count, rows) {
  // CPU columns: the measured process only (server or render child), not this client.
  const header = ['', 'generations/s', 'seconds', 'p50 ms', 'p99 ms', 'CPU ms each', 'cores busy'];
  const cpu = (r, f) => (r.cpuSeconds === null ? 'n/a' : f(r.cpuSeconds));
  const lines = [
    header,
    ...rows.map(([name, r]) => [
      name,
      (count / r.seconds).toFixed(1),
      r.seconds.toFixed(2),
      percentile(r.latencies, 50).toFixed(0),
      percentile(r.latencies, 99).toFixed(0),
      cpu(r, (s) => ((s * 1000) / count).toFixed(0)),
      cpu(r, (s) => (s / r.seconds).toFixed(2)),
    ]),
  ];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const fmt = (l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(`\n${fmt(lines[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const l of lines.slice(1)) console.log(fmt(l));

  const [bare, dark] = rows.map(([, r]) => r);
  const ratio = (bare.seconds / dark.seconds) * 100; // same count, so the ratio of rates
  console.log(`\ndarkroom / bare: ${ratio.toFixed(1)}%   aim: >= ${TARGET_RATIO}% of bare  (${ratio >= TARGET_RATIO ? 'met' : 'NOT met'})`);
  console.log(`\nratio: ${ratio.toFixed(1)}% of bare aura renders/s (N=${count}, ${IN_FLIGHT} in flight)`);
}

let tmp; // the temporary DATA_DIR; removed however the run ends

async function cleanUp() {
  await stopChildren();
  if (tmp) await rm(tmp, { recursive: true, force: true });
}

async function main(count, deadlineMs) {
  if (!existsSync(MAIN) || !existsSync(AURA_RENDER)) throw new Error(`${MAIN} or ${AURA_RENDER} not found: run \`npm run build\` first`);
  console.log(`node ${process.version}, ${availableParallelism()} cores; ${count} generations of ${SIZE}x${SIZE} ${STYLE} PNG, ${IN_FLIGHT} in flight, after ${WARMUP} warm-up\n`);
  tmp = await mkdtemp(join(tmpdir(), 'darkroom-bench-gen-'));
  try {
    const dataDir = join(tmp, 'data');
    console.log('setting up: register, verify email, log in, create API key ...');
    const apiKey = await setUpApiKey((port) => startDarkroom('darkroom (setup)', port, dataDir, { LOG_LEVEL: 'info' }), ['images:generate', 'jobs:read']);
    // One side after the other, never together: they share the same cores.
    const bare = await measureBare(count, deadlineMs);
    const dark = await measureDarkroom(dataDir, apiKey, count);
    printReport(count, [
      ['bare aura renders (child process, direct calls)', bare],
      ['darkroom HTTP API (submit to completed)', dark],
    ]);
  } finally {
    await cleanUp();
  }
}

async function parent() {
  const count = parseCount(process.env.BENCH_GENERATIONS ?? '200');
  // Hard ceiling for the whole run, so a hung child can never keep it going: 3 min for setup plus a
  // generous half second per generation per side (a 256x256 render takes well under 100 ms of CPU).
  const deadlineMs = 180_000 + 2 * (WARMUP + count) * 500;
  guardRun(deadlineMs, cleanUp);
  try {
    await main(count, deadlineMs);
    process.exit(0);
  } catch (err) {
    console.error(`\nbenchmark failed: ${err.message}`);
    process.exit(1);
  }
}

if (process.argv[2] === BARE_FLAG) {
  try {
    await bareChild(parseCount(process.env.BENCH_GENERATIONS));
  } catch (err) {
    console.error(`bare aura renders failed: ${err.stack ?? err}`);
    process.exit(1);
  }
} else {
  await parent();
}
