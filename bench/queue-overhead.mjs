// Queue overhead: no-op jobs through Darkroom's job pipeline (a job row per job, the queue driver,
// JobLifecycle's claim and completion, JobEvents and what listens to it) on the embedded driver and on
// the BullMQ driver, against a bare BullMQ add+process loop on the same Redis with the same
// concurrency. No HTTP, no rendering, no credits: what a job costs on its way through the queue.
// Each side runs in a child process of its own, one after the other. Loopback only.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Child, ROOT, baseEnv, guardRun, stopChildren, wholeFromEnv } from './lib.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const CONFIG_DIR = join(BENCH_DIR, 'queue-config');
const DIST = join(ROOT, 'dist/src');
const SIDE_FLAG = '--side';
const JOB_TYPE = 'bench.noop'; // registered by this script only; no product code knows it
const WARMUP = 500; // jobs run first and thrown away (JIT, connections, SQLite pages)
const EMBEDDED_AIM = 5000; // jobs/s
const BULLMQ_AIM = 85; // % of bare BullMQ
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];

/** A Redis or PostgreSQL URL on this machine, or the run stops: the benchmark never reaches elsewhere. */
function loopbackUrl(name, fallback) {
  const raw = process.env[name] ?? fallback;
  if (!raw) return '';
  let host;
  try {
    host = new URL(raw).hostname;
  } catch {
    host = null;
  }
  if (!LOOPBACK.includes(host)) {
    console.error(`${name} must point at 127.0.0.1 (the benchmark only talks to this machine), got "${raw}"`);
    process.exit(2);
  }
  return raw;
}

const COUNT = wholeFromEnv('BENCH_JOBS', 10_000, 1, 1_000_000);
const CONCURRENCY = wholeFromEnv('BENCH_CONCURRENCY', 50, 1, 64); // 64: JOB_CONCURRENCY's maximum
const REDIS_URL = loopbackUrl('BENCH_REDIS_URL', 'redis://127.0.0.1:6379');
const POSTGRES_URL = loopbackUrl('BENCH_POSTGRES_URL', '');

const uniquePrefix = (side) => `bench-queue-${side}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Adds `count` jobs with CONCURRENCY adds in flight (the same producer on every side) while the workers
 * process them; resolves with the wall time from the first add to the last job done.
 */
async function produce(count, add, allDone) {
  let next = 0;
  const start = performance.now();
  const producer = async () => {
    while (next < count) await add(next++);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, producer));
  await allDone;
  return (performance.now() - start) / 1000;
}

/** Counts completions; `allDone` resolves once `count` distinct ids are done, and rejects if one was done twice. */
function tally(count) {
  const seen = new Set();
  let twice = 0;
  let resolve;
  const finished = new Promise((r) => (resolve = r));
  const done = (id) => {
    if (seen.has(id)) twice += 1;
    seen.add(id);
    if (seen.size === count) resolve();
  };
  const allDone = finished.then(() => {
    if (twice) throw new Error(`${twice} job(s) were done twice`);
  });
  return { done, allDone };
}

async function measure(run) {
  await run(WARMUP);
  const cpu = process.cpuUsage();
  const seconds = await run(COUNT);
  const used = process.cpuUsage(cpu);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

// ---------------------------------------------------------------------------------------------------
// Sides: each runs in its own child process and prints one line, `RESULT {json}`.

async function bareBullmq() {
  const { Queue, Worker } = await import('bullmq');
  const prefix = uniquePrefix('bare');
  const connection = { url: REDIS_URL };
  // As the Darkroom driver configures its queue: finished jobs are dropped at once.
  const queue = new Queue('bare', { connection, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
  let current;
  const worker = new Worker('bare', async (job) => current.done(job.id), { connection, prefix, concurrency: CONCURRENCY });
  try {
    await worker.waitUntilReady();
    return await measure((count) => {
      current = tally(count);
      return produce(count, (i) => queue.add('noop', { i }), current.allDone);
    });
  } finally {
    await worker.close();
    await queue.obliterate({ force: true });
    await queue.close();
  }
}

/**
 * Darkroom from dist/: the worker context (the app without HTTP, as worker.js builds it), with a
 * module beside the plugins whose @JobHandler runs JOB_TYPE and does nothing.
 */
async function darkroom(driver, database) {
  const require = createRequire(import.meta.url);
  const { Module } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');
  const { loadConfig } = require(join(DIST, 'config/load-config.js'));
  const { applyGeneratedSecrets } = require(join(DIST, 'config/generated-secrets.js'));
  const { migrateDatabase } = require(join(DIST, 'database/migrate.js'));
  const { loadPluginModules } = require(join(DIST, 'plugins/plugin-loader.js'));
  const { AppModule } = require(join(DIST, 'app.module.js'));
  const { createRootLogger, PinoNestLogger } = require(join(DIST, 'common/logging.js'));
  const { JobHandler } = require(join(DIST, 'jobs/job-handler.js'));
  const { JobEvents } = require(join(DIST, 'jobs/job-events.js'));
  const { QueueDriver } = require(join(DIST, 'jobs/queue-driver.js'));
  const { Job } = require(join(DIST, 'jobs/job.entity.js'));
  const { Organization } = require(join(DIST, 'tenancy/organization.entity.js'));
  const { EntityManager } = require('@mikro-orm/core');

  const dataDir = await mkdtemp(join(tmpdir(), 'darkroom-bench-queue-'));
  const prefix = uniquePrefix(driver);
  const pg = database === 'postgres' ? await freshPostgres() : null;
  let app;
  try {
    const config = loadConfig({
      ...baseEnv(),
      CONFIG_DIR,
      DATA_DIR: dataDir,
      DATABASE_URL: pg?.url ?? '',
      QUEUE_DRIVER: driver,
      REDIS_URL: driver === 'bullmq' ? REDIS_URL : '',
      QUEUE_PREFIX: prefix,
      JOB_CONCURRENCY: String(CONCURRENCY),
    });
    class NoopHandler {
      async run() {
        return { persist: [], cost: 0 };
      }
    }
    JobHandler(JOB_TYPE)(NoopHandler);
    class BenchJobsModule {}
    Module({ providers: [NoopHandler] })(BenchJobsModule);
    applyGeneratedSecrets(config);
    await migrateDatabase(config);
    app = await NestFactory.createApplicationContext(AppModule.forRoot(config, [...(await loadPluginModules(config)), BenchJobsModule]), {
      logger: new PinoNestLogger(createRootLogger(config)),
    });
    const em = app.get(EntityManager);
    const queue = app.get(QueueDriver);
    const org = Object.assign(new Organization(), { name: 'bench', plan: 'free' });
    await em.fork().persistAndFlush(org);
    let current;
    app.get(JobEvents).onFinished(async (job) => current.done(job.id));
    // One job as the API accepts one: its row committed, then handed to the queue.
    const add = async () => {
      const job = Object.assign(new Job(), { orgId: org.id, type: JOB_TYPE, input: {}, createdBy: 'bench' });
      await em.fork().persistAndFlush(job);
      await queue.enqueue([{ id: job.id, orgId: org.id }]);
    };
    const result = await measure((count) => {
      current = tally(count);
      return produce(count, add, current.allDone);
    });
    const all = WARMUP + COUNT;
    const completed = await em.fork().count(Job, { type: JOB_TYPE, status: 'completed', attempts: 1 });
    if (completed !== all) throw new Error(`${completed} of ${all} jobs completed in one attempt`);
    // The listeners of the last jobs' events (webhooks) finish their writes before the database closes.
    for (let i = 0; i < 100 && (await em.fork().count(Job, { eventPending: true })); i++) await sleep(100);
    return result;
  } finally {
    await app?.close();
    await pg?.drop();
    if (driver === 'bullmq') await dropKeys(prefix);
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function freshPostgres() {
  const { Client } = createRequire(import.meta.url)('pg');
  const name = `darkroom_bench_${process.pid}_${Date.now().toString(36)}`;
  const admin = async (sql) => {
    const c = new Client({ connectionString: POSTGRES_URL });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

async function dropKeys(prefix) {
  const { default: Redis } = await import('ioredis');
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const SIDES = {
  bare: { label: 'bare BullMQ (add + no-op worker)', run: bareBullmq },
  embedded: { label: 'darkroom, embedded queue (SQLite)', run: () => darkroom('embedded', 'sqlite') },
  'bullmq-sqlite': { label: 'darkroom, BullMQ queue (SQLite + Redis)', run: () => darkroom('bullmq', 'sqlite') },
  'bullmq-postgres': { label: 'darkroom, BullMQ queue (PostgreSQL + Redis)', run: () => darkroom('bullmq', 'postgres') },
};

async function child(side) {
  try {
    const result = await SIDES[side].run();
    console.log(`RESULT ${JSON.stringify(result)}`);
    process.exit(0);
  } catch (err) {
    console.error(`${side} failed: ${err.stack ?? err}`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------------------------------------------
// Parent: runs the sides one after the other and prints the figures.

async function runSide(side, timeoutMs) {
  process.stdout.write(`${SIDES[side].label}: warm-up ${WARMUP}, measuring ${COUNT} ... `);
  const env = { ...baseEnv(), BENCH_JOBS: String(COUNT), BENCH_CONCURRENCY: String(CONCURRENCY), BENCH_REDIS_URL: REDIS_URL, BENCH_POSTGRES_URL: POSTGRES_URL };
  const proc = new Child(side, [fileURLToPath(import.meta.url), `${SIDE_FLAG}=${side}`], env);
  const result = await proc.waitFor('result', (line) => (line.startsWith('RESULT ') ? JSON.parse(line.slice(7)) : undefined), timeoutMs);
  const { code, signal } = await proc.exited;
  Child.all.delete(proc);
  if (code !== 0) throw new Error(`${side} exited with ${signal ?? `code ${code}`}\n${proc.lastOutput()}`);
  console.log(`${(COUNT / result.seconds).toFixed(0)} jobs/s`);
  return result;
}

function printReport(rows) {
  const header = ['', 'jobs/s', 'seconds', 'CPU us/job', 'cores busy'];
  const lines = [
    header,
    ...rows.map(([side, r]) => [
      SIDES[side].label,
      (COUNT / r.seconds).toFixed(0),
      r.seconds.toFixed(2),
      ((r.cpuSeconds * 1e6) / COUNT).toFixed(0),
      (r.cpuSeconds / r.seconds).toFixed(2),
    ]),
  ];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const fmt = (l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(`\n${fmt(lines[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const l of lines.slice(1)) console.log(fmt(l));

  const rate = Object.fromEntries(rows.map(([side, r]) => [side, COUNT / r.seconds]));
  const quote = [];
  console.log('');
  for (const side of ['bullmq-sqlite', 'bullmq-postgres']) {
    if (!rate[side]) continue;
    const ratio = (rate[side] / rate.bare) * 100;
    console.log(`${SIDES[side].label} / bare BullMQ: ${ratio.toFixed(1)}%   aim: >= ${BULLMQ_AIM}%  (${ratio >= BULLMQ_AIM ? 'met' : 'NOT met'})`);
    quote.push(`bullmq ${side.split('-')[1]} ${ratio.toFixed(1)}% of bare`);
  }
  const embeddedRatio = (rate.embedded / rate.bare) * 100;
  console.log(`${SIDES.embedded.label}: ${rate.embedded.toFixed(0)} jobs/s (${embeddedRatio.toFixed(1)}% of bare BullMQ)   aim: >= ${EMBEDDED_AIM} jobs/s  (${rate.embedded >= EMBEDDED_AIM ? 'met' : 'NOT met'})`);
  console.log(`\nratio: embedded ${rate.embedded.toFixed(0)} jobs/s; ${quote.join('; ')}; bare ${rate.bare.toFixed(0)} jobs/s (N=${COUNT}, concurrency ${CONCURRENCY})`);
}

async function parent() {
  if (!existsSync(join(DIST, 'worker.js'))) {
    console.error(`${join(DIST, 'worker.js')} not found: run \`npm run build\` first`);
    process.exit(2);
  }
  // Hard ceiling, so a hung side can never keep the run going: 2 min of set-up per side plus a
  // generous 2 ms per job per side (the slowest side here runs well under 1 ms a job).
  const sides = ['bare', 'embedded', 'bullmq-sqlite', ...(POSTGRES_URL ? ['bullmq-postgres'] : [])];
  const perSideMs = 120_000 + (WARMUP + COUNT) * 2;
  const deadlineMs = sides.length * perSideMs;
  guardRun(deadlineMs, stopChildren);
  console.log(`node ${process.version}, ${availableParallelism()} cores; ${COUNT} no-op jobs per side after ${WARMUP} warm-up, ${CONCURRENCY} adds in flight and ${CONCURRENCY} jobs at once; Redis ${REDIS_URL}${POSTGRES_URL ? `, PostgreSQL ${POSTGRES_URL}` : ' (set BENCH_POSTGRES_URL for the PostgreSQL row)'}\n`);
  try {
    const rows = [];
    // One side after the other, never together: they share the same cores.
    for (const side of sides) rows.push([side, await runSide(side, perSideMs)]);
    printReport(rows);
    process.exit(0);
  } catch (err) {
    console.error(`\nbenchmark failed: ${err.message}`);
    await stopChildren();
    process.exit(1);
  }
}

const sideArg = process.argv.find((a) => a.startsWith(`${SIDE_FLAG}=`));
if (sideArg) await child(sideArg.slice(SIDE_FLAG.length + 1));
else await parent();
