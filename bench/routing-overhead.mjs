// Routing overhead: what Darkroom's provider layer adds around one provider call. The same image
// generation against the OpenAI plugin's fake (plugins/providers/openai/fake.ts, answering at once),
// asked by the official `openai` client directly (the baseline) and through ProviderCalls.images, the
// call a generation job makes (router, key lookup, circuit breaker, the plugin's per-call client over
// the core's outbound fetch, output checks, the job step row). 8 in flight on each side, the two sides
// interleaved in rounds in one process so the machine's drift cancels. See bench/README.md.
//
//   npm run bench:routing                         # = npm run build && node bench/routing-overhead.mjs
//   BENCH_ROUNDS=30 node bench/routing-overhead.mjs   # already built; more rounds, steadier figures
//
// The fake runs in a child process (this file again, with FAKE_FLAG): its renders take CPU that
// belongs to neither side, and the CPU figures are this process's alone. Loopback only.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector/promises';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseEnv, Child, cpuSecondsOf, guardRun, HOST, ROOT, stopChildren, wholeFromEnv } from './lib.mjs';

const require = createRequire(import.meta.url);
const DIST = join(ROOT, 'dist');
const FAKE = join(DIST, 'plugins/providers/openai/fake.js');
const APP_FACTORY = join(DIST, 'src/app.factory.js');
const FAKE_FLAG = '--openai-fake';

const IN_FLIGHT = 8;
const WARMUP = 32; // requests per side run first and thrown away (JIT, connections, caches)
const AIM = 1.1; // Darkroom's mean time per request at most 1.10x the bare client's
// The smallest request the plugin and the fake take: one 1024x1024 PNG at low quality. The bare side
// sends exactly what the plugin sends for it (openai-mapping.ts generateParams with default options).
const DARKROOM_MODEL = 'gpt-image-low';
const SIZE = 1024;
const bareParams = (prompt) => ({ model: 'gpt-image-1.5', prompt, n: 1, size: `${SIZE}x${SIZE}`, quality: 'low', background: 'auto', output_format: 'png', moderation: 'auto' });
const LEASE_MS = 60 * 60_000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const ROUNDS = wholeFromEnv('BENCH_ROUNDS', 10, 1, 100);
const PER_ROUND = wholeFromEnv('BENCH_REQUESTS', 60, 1, 10_000);
// BENCH_CPU_PROF_DIR=dir writes a V8 CPU profile of each side's every round to dir (profiling slows the sides unevenly: the ratio no longer holds).
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR ? resolve(process.env.BENCH_CPU_PROF_DIR) : null;

// ---------------------------------------------------------------------------------------------------
// The fake's child process: prints `FAKE_URL <url>` and serves until SIGTERM.

async function fakeChild() {
  const { startOpenAIFake } = require(FAKE);
  const fake = await startOpenAIFake();
  process.once('SIGTERM', () => void fake.close().then(() => process.exit(0)));
  console.log(`FAKE_URL ${fake.url}`);
}

// ---------------------------------------------------------------------------------------------------
// Parent: both sides, in rounds.

/** Runs task(0..count-1) with IN_FLIGHT at a time; the wall time, this process's CPU time, and each task's latency. */
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
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, count) }, worker));
  const seconds = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6, latencies };
}

/** The baseline: the official client called directly, one client for the run, as an application would hold it. */
async function bareSide(fakeUrl) {
  const { default: OpenAI } = await import('openai');
  const { FAKE_OPENAI_KEY } = require(FAKE);
  const client = new OpenAI({ apiKey: FAKE_OPENAI_KEY, baseURL: fakeUrl, maxRetries: 0 });
  return {
    name: 'bare',
    label: 'bare openai client',
    async one(prompt) {
      const response = await client.images.generate(bareParams(prompt));
      const png = Buffer.from(response.data?.[0]?.b64_json ?? '', 'base64');
      if (!png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`the bare call for "${prompt}" did not answer a PNG`);
    },
  };
}

/**
 * Darkroom's provider layer in-process: the app as `npm start` builds it (not listening), the openai
 * plugin pointed at the fake with the platform's key, one organisation on a plan that allows its own
 * keys (so the BYOK lookup runs, and finds none), and a job row per request in the state a generation
 * job is in while its handler runs (claimed, under lease), made before the timing: job steps reference it.
 */
async function darkroomSide(fakeUrl, dataDir, requests) {
  const { EntityManager } = require('@mikro-orm/core');
  const { createApp } = require(APP_FACTORY);
  const { loadConfig } = require(join(DIST, 'src/config/load-config.js'));
  const { ProviderCalls } = require(join(DIST, 'src/providers/provider-calls.js'));
  const { Job } = require(join(DIST, 'src/jobs/job.entity.js'));
  const { JobStep } = require(join(DIST, 'src/jobs/job-step.entity.js'));
  const { Organization } = require(join(DIST, 'src/tenancy/organization.entity.js'));
  const { FAKE_OPENAI_KEY } = require(FAKE);

  const config = loadConfig({
    ...baseEnv(),
    CONFIG_DIR: join(ROOT, 'config'),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    HOST,
    PROVIDER_PLUGINS: 'openai',
    OPENAI_API_KEY: FAKE_OPENAI_KEY,
    OPENAI_BASE_URL: fakeUrl,
  });
  const app = await createApp(config);
  const em = app.get(EntityManager);
  const calls = app.get(ProviderCalls);
  const org = Object.assign(new Organization(), { name: 'bench', plan: 'pro' });
  await em.fork().persistAndFlush(org);
  const jobs = em.fork();
  const jobIds = Array.from({ length: requests }, () => {
    const job = Object.assign(new Job(), {
      orgId: org.id, type: 'images.generate', status: 'processing', input: {}, createdBy: 'bench', attempts: 1,
      startedAt: new Date(), runAfter: new Date(Date.now() + LEASE_MS),
    });
    jobs.persist(job);
    return job.id;
  });
  await jobs.flush();

  let used = 0;
  return {
    name: 'darkroom',
    label: 'darkroom ProviderCalls.images',
    async one(prompt, seed) {
      const jobId = jobIds[used++];
      const { images, cost } = await calls.images({
        jobId, orgId: org.id, attempt: 1, provider: 'openai', signal: new AbortController().signal, previousCheckpoint: null,
        // The job's checkpoint column: openai answers at once, so nothing is resumed from it; a failed route only clears it.
        checkpoint: async () => undefined,
        request: { operation: 'generate', input: { model: DARKROOM_MODEL, prompt, width: SIZE, height: SIZE, format: 'png', n: 1, seed } },
      });
      const [image] = images;
      if (images.length !== 1 || image.format !== 'png' || image.width !== SIZE || !(cost > 0)) {
        throw new Error(`job ${jobId} ("${prompt}") got ${images.length} image(s), ${image?.format} ${image?.width}x${image?.height}, cost ${cost}`);
      }
    },
    /** Every call must have left one succeeded step on its job, on the platform's key. */
    async check() {
      const steps = await em.fork().count(JobStep, { orgId: org.id, status: 'succeeded', provider: 'openai', keySource: 'platform' });
      if (steps !== used) throw new Error(`${used} calls through Darkroom left ${steps} succeeded job steps`);
    },
    close: () => app.close(),
  };
}

/** Both sides, in turn: a warm-up each, then rounds whose order alternates (A B, B A, ...), so neither always runs first. */
async function measure(sides, fakePid) {
  const totals = sides.map(() => ({ seconds: 0, cpuSeconds: 0, fakeCpuSeconds: 0, latencies: [], rounds: [] }));
  for (const [s, side] of sides.entries()) await runPool(WARMUP, (i) => side.one(`warm-up ${s} ${i}`, i));
  if (PROFILE_DIR) await mkdir(PROFILE_DIR, { recursive: true });
  const profiler = PROFILE_DIR ? new Session() : null;
  profiler?.connect();
  await profiler?.post('Profiler.enable');
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? [0, 1] : [1, 0];
    for (const s of order) {
      await profiler?.post('Profiler.start');
      const fakeBefore = cpuSecondsOf(fakePid);
      const r = await runPool(PER_ROUND, (i) => sides[s].one(`bench ${round} ${i}`, round * PER_ROUND + i));
      totals[s].fakeCpuSeconds += (cpuSecondsOf(fakePid) ?? NaN) - (fakeBefore ?? NaN);
      if (profiler) await writeFile(join(PROFILE_DIR, `routing-${sides[s].name}-round-${round + 1}.cpuprofile`), JSON.stringify((await profiler.post('Profiler.stop')).profile));
      totals[s].seconds += r.seconds;
      totals[s].cpuSeconds += r.cpuSeconds;
      totals[s].latencies.push(...r.latencies);
      totals[s].rounds.push(r.seconds);
    }
    console.log(`round ${round + 1}/${ROUNDS}: ${sides.map((side, s) => `${((totals[s].rounds[round] * 1000) / PER_ROUND).toFixed(2)}`).join(' vs ')} ms/request`);
  }
  profiler?.disconnect();
  return totals;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function printReport(sides, totals) {
  const count = ROUNDS * PER_ROUND;
  // CPU: this process (the client's side of each request), and the fake's child process (its render), per request.
  const header = ['', 'requests/s', 'mean ms/request', 'p50 ms', 'p95 ms', 'CPU ms each', 'fake CPU ms each'];
  const lines = [
    header,
    ...sides.map((side, s) => {
      const t = totals[s];
      return [side.label, (count / t.seconds).toFixed(1), ((t.seconds * 1000) / count).toFixed(2), percentile(t.latencies, 50).toFixed(1), percentile(t.latencies, 95).toFixed(1), ((t.cpuSeconds * 1000) / count).toFixed(2), Number.isNaN(t.fakeCpuSeconds) ? 'n/a' : ((t.fakeCpuSeconds * 1000) / count).toFixed(1)];
    }),
  ];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const fmt = (l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(`\n${fmt(lines[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const l of lines.slice(1)) console.log(fmt(l));

  const [bare, dark] = totals;
  const ratio = dark.seconds / bare.seconds; // same count on each side: the ratio of mean times per request
  const perRound = dark.rounds.map((sec, r) => sec / bare.rounds[r]);
  const medianRound = percentile(perRound, 50);
  const addedCpuMs = ((dark.cpuSeconds - bare.cpuSeconds) * 1000) / count;
  console.log(`\ndarkroom / bare, mean time per request: ${ratio.toFixed(3)}x (per round: median ${medianRound.toFixed(3)}, ${Math.min(...perRound).toFixed(3)} to ${Math.max(...perRound).toFixed(3)})   aim: <= ${AIM.toFixed(2)}x  (${ratio <= AIM ? 'met' : 'NOT met'})`);
  console.log(`darkroom adds ${addedCpuMs.toFixed(2)} ms of CPU per request in this process (the fake's own work is in its child process)`);
  if (!Number.isNaN(bare.fakeCpuSeconds + dark.fakeCpuSeconds)) {
    // Steadier than the wall-time ratio on a busy machine: what each side costs in CPU, the fake's render included.
    const [bareAll, darkAll] = [bare, dark].map((t) => ((t.cpuSeconds + t.fakeCpuSeconds) * 1000) / count);
    console.log(`CPU per request, client and fake together: bare ${bareAll.toFixed(2)} ms, darkroom ${darkAll.toFixed(2)} ms (${(darkAll / bareAll).toFixed(3)}x)`);
  }
  console.log(`\nratio: ${ratio.toFixed(3)}x the bare openai client's time per request (N=${count} per side, ${IN_FLIGHT} in flight, ${ROUNDS} interleaved rounds)`);
}

let tmp; // the temporary DATA_DIR; removed however the run ends
let closeApp = async () => undefined;
let cleaning;

/** Once, however many ways the run ends at the same time (an interrupt while a failure unwinds). */
function cleanUp() {
  cleaning ??= (async () => {
    await closeApp();
    await stopChildren();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  })();
  return cleaning;
}

async function main() {
  for (const file of [FAKE, APP_FACTORY]) if (!existsSync(file)) throw new Error(`${file} not found: run \`npm run build\` first`);
  console.log(`node ${process.version}, ${availableParallelism()} cores; ${ROUNDS} rounds of ${PER_ROUND} generations per side (one ${SIZE}x${SIZE} PNG each), ${IN_FLIGHT} in flight, after ${WARMUP} warm-up each\n`);
  tmp = await mkdtemp(join(tmpdir(), 'darkroom-bench-routing-'));
  const fake = new Child('openai fake', [fileURLToPath(import.meta.url), FAKE_FLAG], baseEnv());
  const fakeUrl = await fake.waitFor('its URL', (line) => (line.startsWith('FAKE_URL ') ? line.slice('FAKE_URL '.length) : undefined), 30_000);
  if (new URL(fakeUrl).hostname !== HOST) throw new Error(`the fake listens on ${fakeUrl}, not on ${HOST}`);
  const bare = await bareSide(fakeUrl);
  const dark = await darkroomSide(fakeUrl, tmp, WARMUP + ROUNDS * PER_ROUND);
  closeApp = dark.close;
  const totals = await measure([bare, dark], fake.proc.pid);
  if (PROFILE_DIR) console.log(`CPU profiles of every round in ${PROFILE_DIR}: profiling slows the sides unevenly, so this run's ratio is not a figure`);
  await dark.check();
  printReport([bare, dark], totals);
}

async function parent() {
  // Hard ceiling, so a hung fake or app can never keep the run going: 2 min of set-up plus a generous
  // 200 ms per request per side (about 20 ms each here).
  guardRun(120_000 + 2 * (WARMUP + ROUNDS * PER_ROUND) * 200, cleanUp);
  try {
    await main();
    await cleanUp();
    process.exit(0);
  } catch (err) {
    console.error(`\nbenchmark failed: ${err.stack ?? err.message}`);
    await cleanUp();
    process.exit(1);
  }
}

if (process.argv[2] === FAKE_FLAG) await fakeChild();
else await parent();
