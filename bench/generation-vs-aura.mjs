// What does the platform cost on top of rendering? Generations per second through Darkroom's HTTP API
// (submit with Prefer: wait, to completed job) against the aura renderer called directly, with the
// same inputs and the same number in flight, the two sides interleaved in rounds. See bench/README.md.
//
//   npm run build && node bench/generation-vs-aura.mjs
//   BENCH_ROUNDS=10 BENCH_GENERATIONS=60 node bench/generation-vs-aura.mjs   # already built
//
// The bare side runs in a child process (this file again, with BARE_FLAG), so it has an event loop
// of its own, as the server does, and the client's work is not counted against it. Both children stay
// up for the whole run; each window of one side runs while the other side is idle.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:http';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { baseEnv, call, Child, cpuSecondsOf, freePort, guardRun, HOST, ROOT, setUpApiKey, stopChildren, waitReady, wholeFromEnv } from './lib.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const MAIN = join(ROOT, 'dist/src/main.js');
const AURA_RENDER = join(ROOT, 'dist/plugins/providers/aura/render.js');
const CONFIG_DIR = join(BENCH_DIR, 'generation-config');
const BARE_FLAG = '--bare-aura-renders';
// The parent asks the bare child for its next window with this signal (SIGUSR1 would start Node's inspector).
const WINDOW_SIGNAL = 'SIGUSR2';

const IN_FLIGHT = 8; // = jobs.concurrency in bench/generation-config/default.yaml
const WARMUP = 16; // generations / renders per side run first and thrown away (JIT, caches, connections)
const SIZE = 256;
const STYLE = 'digital-art';
const WAIT_SECONDS = 60; // Prefer: wait=60, the most the API allows
// Must match bench/generation-config/plans.yaml: checked against x-ratelimit-limit before measuring.
const WORK_PER_MINUTE = 100_000_000;
const AIM_PERCENT = 90;

const ROUNDS = wholeFromEnv('BENCH_ROUNDS', 6, 1, 100);
const PER_WINDOW = wholeFromEnv('BENCH_GENERATIONS', 40, 1, 10_000);
const GENERATION_TIMEOUT_MS = (WAIT_SECONDS + 15) * 1000; // one submit (it may wait the full 60 s)
const WINDOW_TIMEOUT_MS = 120_000 + PER_WINDOW * 2000; // one bare window, however slow the machine
const POLL_MS = 50; // only if a submit answers 202; short, so polling does not stretch the figure

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The same inputs on both sides: item i of round r is prompt "bench r i" with seed r * PER_WINDOW + i. */
const inputs = (round, i) => (round < 0 ? { prompt: `warm-up ${i}`, seed: i } : { prompt: `bench ${round} ${i}`, seed: round * PER_WINDOW + i });

/**
 * Runs task(0..count-1) with IN_FLIGHT at a time; returns the wall time from the first start to the
 * last completion and each task's own duration. The first failure rejects (the caller ends the run).
 */
async function runPool(count, task) {
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
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
  return { seconds: (performance.now() - start) / 1000, latencies };
}

/**
 * CPU ms so far of a process's threads by kind, from /proc (null elsewhere): its main thread (the
 * JavaScript, and SQLite's statements, which the driver runs there), libvips' workers (the pixels),
 * and the rest (libuv's pool, where sharp's calls wait for libvips, and V8's garbage collector and
 * compiler threads).
 */
function threadCpuOf(pid) {
  try {
    const byKind = { main: 0, libvips: 0, other: 0 };
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const kind = tid === String(pid) ? 'main' : comm.startsWith('libvips') ? 'libvips' : 'other';
      byKind[kind] += (Number(fields[11]) + Number(fields[12])) * 10; // utime, stime in 1/100 s
    }
    return byKind;
  } catch {
    return null; // no /proc, or a thread that ended while being read
  }
}

/** What `measured` used between two threadCpuOf readings, or null. */
function threadCpuBetween(before, after) {
  return before && after ? Object.fromEntries(Object.keys(before).map((k) => [k, after[k] - before[k]])) : null;
}

// ---------------------------------------------------------------------------------------------------
// Bare side: the child process. Warms up, prints READY, then renders one window per WINDOW_SIGNAL and
// prints `RESULT {json}` after each; it exits on SIGTERM.

async function bareChild() {
  // The compiled renderer is CommonJS; the exact code the server's aura provider runs.
  const { renderGeneration } = createRequire(import.meta.url)(AURA_RENDER);
  const render = async (round, i) => {
    const { prompt, seed } = inputs(round, i);
    const png = await renderGeneration({ prompt, negativePrompt: undefined, style: STYLE, width: SIZE, height: SIZE, format: 'png', seed });
    if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`render ${prompt} did not produce a PNG`);
  };
  await runPool(WARMUP, (i) => render(-1, i));
  let round = 0;
  let running = Promise.resolve();
  process.on(WINDOW_SIGNAL, () => {
    const r = round++;
    running = running.then(async () => {
      const cpuBefore = process.cpuUsage();
      const result = await runPool(PER_WINDOW, (i) => render(r, i));
      const cpu = process.cpuUsage(cpuBefore);
      console.log(`RESULT ${JSON.stringify({ ...result, cpuSeconds: (cpu.user + cpu.system) / 1e6 })}`);
    });
    running.catch((err) => {
      console.error(`bare aura renders failed: ${err.stack ?? err}`);
      process.exit(1);
    });
  });
  process.once('SIGTERM', () => void running.finally(() => process.exit(0)));
  console.log('READY');
  setInterval(() => undefined, 60_000); // stay alive between windows
}

// ---------------------------------------------------------------------------------------------------
// Parent: child processes, Darkroom setup, the rounds, the report. Helpers as in bench/me-vs-bare.mjs.

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

// The submits go through Node's http module on kept-alive connections, one per generation in flight,
// as a load generator's would: fetch took 1.3-2.0 ms of this process's CPU a generation, on the cores
// the server uses, and only the Darkroom side has a client to pay for.
const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });

/** POST of a JSON body; resolves with the status, the parsed answer and the headers. */
function postJson(base, path, headers, body, timeoutMs) {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(`${base}${path}`, { method: 'POST', agent, timeout: timeoutMs, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve({ status: res.statusCode, json: text ? JSON.parse(text) : null, headers: res.headers, text });
        } catch (err) {
          reject(new Error(`POST ${path}: ${res.statusCode} with a body that is not JSON: ${text.slice(0, 500)}`, { cause: err }));
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`POST ${path}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * One generation through the API, submit to completed job. Normally the submit itself answers 200
 * with the finished job (Prefer: wait); a 202 is polled to the end. Anything but a completed job with
 * one PNG output throws.
 */
async function generate(base, apiKey, round, i, stats) {
  const { prompt, seed } = inputs(round, i);
  const headers = { authorization: `Bearer ${apiKey}`, prefer: `wait=${WAIT_SECONDS}` };
  const submit = await postJson(base, '/api/v1/images/generations', headers, { prompt, size: `${SIZE}x${SIZE}`, style: STYLE, seed }, GENERATION_TIMEOUT_MS);
  if (submit.status !== 200 && submit.status !== 202) throw new Error(`POST /api/v1/images/generations: expected 200 or 202, got ${submit.status}: ${submit.text.slice(0, 500)}`);
  if (stats.rateLimit === undefined) stats.rateLimit = submit.headers['x-ratelimit-limit'];
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

/** The Darkroom side: a server kept up for the run; window(round) measures one window of generations. */
async function darkroomSide(dataDir, apiKey) {
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  const server = startDarkroom('darkroom', port, dataDir);
  const stats = { accepted: 0, rateLimit: undefined };
  await waitReady(server, `${base}/readyz`);
  await runPool(WARMUP, (i) => generate(base, apiKey, -1, i, stats));
  if (stats.rateLimit !== String(WORK_PER_MINUTE)) {
    throw new Error(`x-ratelimit-limit is ${stats.rateLimit}, expected ${WORK_PER_MINUTE}: is bench/generation-config/plans.yaml in use?`);
  }
  stats.accepted = 0;
  return {
    stats,
    async window(round) {
      const cpuBefore = cpuSecondsOf(server.proc.pid);
      const threadsBefore = threadCpuOf(server.proc.pid);
      const clientBefore = process.cpuUsage();
      const result = await runPool(PER_WINDOW, (i) => generate(base, apiKey, round, i, stats));
      const client = process.cpuUsage(clientBefore);
      const cpuAfter = cpuSecondsOf(server.proc.pid);
      const threads = threadCpuBetween(threadsBefore, threadCpuOf(server.proc.pid));
      return { ...result, cpuSeconds: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore, threads, clientCpuSeconds: (client.user + client.system) / 1e6 };
    },
  };
}

/** The bare side: the child warmed up; window() signals it and waits for its RESULT line. */
async function bareSide() {
  const child = new Child('bare aura renders', [fileURLToPath(import.meta.url), BARE_FLAG], { ...baseEnv(), BENCH_GENERATIONS: String(PER_WINDOW) });
  await child.waitFor('READY', (line) => (line === 'READY' ? true : undefined), WINDOW_TIMEOUT_MS);
  return {
    async window() {
      const result = child.waitFor('result', (line) => (line.startsWith('RESULT ') ? JSON.parse(line.slice(7)) : undefined), WINDOW_TIMEOUT_MS);
      const threadsBefore = threadCpuOf(child.proc.pid);
      child.proc.kill(WINDOW_SIGNAL);
      const r = await result;
      return { ...r, threads: threadCpuBetween(threadsBefore, threadCpuOf(child.proc.pid)) };
    },
  };
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Rounds whose order alternates (bare first, then Darkroom first, ...), so neither side always runs first. */
async function measure(bare, dark) {
  const side = () => ({ seconds: 0, cpuSeconds: 0, clientCpuSeconds: 0, threads: { main: 0, libvips: 0, other: 0 }, latencies: [], rounds: [] });
  const totals = { bare: side(), dark: side() };
  const sides = { bare: () => bare.window(), dark: (round) => dark.window(round) };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 === 0 ? ['bare', 'dark'] : ['dark', 'bare']) {
      const r = await sides[name](round);
      const t = totals[name];
      t.seconds += r.seconds;
      t.clientCpuSeconds += r.clientCpuSeconds ?? 0;
      t.cpuSeconds = t.cpuSeconds === null || r.cpuSeconds === null ? null : t.cpuSeconds + r.cpuSeconds;
      t.threads = t.threads === null || r.threads === null ? null : Object.fromEntries(Object.entries(t.threads).map(([k, ms]) => [k, ms + r.threads[k]]));
      t.latencies.push(...r.latencies);
      t.rounds.push(r);
    }
    const [b, d] = [totals.bare.rounds[round], totals.dark.rounds[round]];
    const cpu = (r) => (r.cpuSeconds === null ? 'n/a' : ((r.cpuSeconds * 1000) / PER_WINDOW).toFixed(0));
    console.log(
      `round ${round + 1}/${ROUNDS}: bare ${(PER_WINDOW / b.seconds).toFixed(1)} renders/s (${cpu(b)} ms CPU each), ` +
        `darkroom ${(PER_WINDOW / d.seconds).toFixed(1)} generations/s (${cpu(d)} ms CPU each): ${((b.seconds / d.seconds) * 100).toFixed(1)}%`,
    );
  }
  return totals;
}

function printReport(totals, accepted) {
  const count = ROUNDS * PER_WINDOW;
  // CPU columns: the measured process only (server or render child), not this client.
  const header = ['', 'per second', 'seconds', 'p50 ms', 'p99 ms', 'CPU ms each', 'cores busy'];
  const cpu = (t, f) => (t.cpuSeconds === null ? 'n/a' : f(t.cpuSeconds));
  const rows = [
    ['bare aura renders (child process, direct calls)', totals.bare],
    ['darkroom HTTP API (submit to completed)', totals.dark],
  ];
  const lines = [
    header,
    ...rows.map(([name, t]) => [
      name,
      (count / t.seconds).toFixed(1),
      t.seconds.toFixed(2),
      percentile(t.latencies, 50).toFixed(0),
      percentile(t.latencies, 99).toFixed(0),
      cpu(t, (s) => ((s * 1000) / count).toFixed(1)),
      cpu(t, (s) => (s / t.seconds).toFixed(2)),
    ]),
  ];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const fmt = (l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(`\n${fmt(lines[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const l of lines.slice(1)) console.log(fmt(l));
  // A 202 means the job outlived Prefer: wait=60; the figure still counts it (polled to the end).
  if (accepted) console.log(`note: ${accepted} submit(s) answered 202 and were polled to completion`);

  const { bare, dark } = totals;
  // Same count per window on each side, so the ratio of times is the ratio of rates.
  const perRound = dark.rounds.map((d, r) => (bare.rounds[r].seconds / d.seconds) * 100);
  const median = percentile(perRound, 50);
  const overall = (bare.seconds / dark.seconds) * 100;
  if (bare.cpuSeconds !== null && dark.cpuSeconds !== null) {
    console.log(`\nplatform CPU per generation (server CPU - bare render CPU): ${(((dark.cpuSeconds - bare.cpuSeconds) * 1000) / count).toFixed(1)} ms`);
  }
  if (bare.threads && dark.threads) {
    const each = (t) => Object.entries(t.threads).map(([k, ms]) => `${k} ${(ms / count).toFixed(1)}`).join(', ');
    console.log(`CPU ms each by thread: bare ${each(bare)}; darkroom ${each(dark)}`);
  }
  // The HTTP client shares the cores with the server (the bare side has none): what it took, for reading the ratio.
  console.log(`this client's CPU per generation (HTTP, JSON): ${((dark.clientCpuSeconds * 1000) / count).toFixed(1)} ms`);
  console.log(`darkroom / bare: median of rounds ${median.toFixed(1)}% (rounds ${Math.min(...perRound).toFixed(1)} to ${Math.max(...perRound).toFixed(1)}, whole run ${overall.toFixed(1)}%)   aim: >= ${AIM_PERCENT}% of bare  (${median >= AIM_PERCENT ? 'met' : 'NOT met'})`);
  console.log(`\nratio: ${median.toFixed(1)}% of bare aura renders/s (median of ${ROUNDS} interleaved rounds of ${PER_WINDOW}, ${IN_FLIGHT} in flight)`);
}

let tmp; // the temporary DATA_DIR; removed however the run ends
let cleaning;

/** Once, however many ways the run ends at the same time (an interrupt while a failure unwinds). */
function cleanUp() {
  cleaning ??= (async () => {
    await stopChildren();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  })();
  return cleaning;
}

async function main() {
  if (!existsSync(MAIN) || !existsSync(AURA_RENDER)) throw new Error(`${MAIN} or ${AURA_RENDER} not found: run \`npm run build\` first`);
  console.log(
    `node ${process.version}, ${availableParallelism()} cores; ${ROUNDS} interleaved rounds of ${PER_WINDOW} generations per side ` +
      `(${SIZE}x${SIZE} ${STYLE} PNG), ${IN_FLIGHT} in flight, after ${WARMUP} warm-up each\n`,
  );
  tmp = await mkdtemp(join(tmpdir(), 'darkroom-bench-gen-'));
  const dataDir = join(tmp, 'data');
  console.log('setting up: register, verify email, log in, create API key ...');
  const apiKey = await setUpApiKey((port) => startDarkroom('darkroom (setup)', port, dataDir, { LOG_LEVEL: 'info' }), ['images:generate', 'jobs:read']);
  console.log('starting both sides and warming them up ...');
  const bare = await bareSide();
  try {
    const dark = await darkroomSide(dataDir, apiKey);
    if (process.env.BENCH_CPU_PROF_DIR) console.log('profiling the server: it runs slower, so this run\'s ratio is not a figure');
    const totals = await measure(bare, dark);
    printReport(totals, dark.stats.accepted);
  } catch (err) {
    const server = [...Child.all].find((c) => c.name === 'darkroom');
    if (server) err.message += `\n${server.lastOutput()}`;
    throw err;
  }
}

async function parent() {
  // Hard ceiling for the whole run, so a hung child can never keep it going: 3 min for setup plus a
  // generous half second per generation per side (a 256x256 render takes well under 100 ms of CPU).
  const deadlineMs = 180_000 + 2 * (WARMUP + ROUNDS * PER_WINDOW) * 500;
  guardRun(deadlineMs, cleanUp);
  try {
    await main();
    await cleanUp();
    process.exit(0);
  } catch (err) {
    console.error(`\nbenchmark failed: ${err.message}`);
    await cleanUp();
    process.exit(1);
  }
}

if (process.argv[2] === BARE_FLAG) {
  try {
    await bareChild();
  } catch (err) {
    console.error(`bare aura renders failed: ${err.stack ?? err}`);
    process.exit(1);
  }
} else {
  await parent();
}
