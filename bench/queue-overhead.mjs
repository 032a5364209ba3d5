// Queue overhead: no-op jobs through Darkroom's whole job pipeline, end to end as the API runs it:
// accepted by JobSubmitter (the operation prepares it, its credit reservation and its row are written
// in one transaction, then it is handed to the queue driver), claimed under a lease and the plan's
// limit, run by a handler that does nothing, completed, its reservation captured, announced on
// JobEvents (whose listeners, such as the webhook notifier, run as in production). No HTTP, no
// rendering. Against a bare BullMQ add+process loop on the same Redis with the same concurrency.
// Every side lives in a child process of its own, kept alive through the run; the parent runs short
// windows of jobs in each in turn (never two at once), round after round. Loopback only.
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { ROOT, baseEnv, wholeFromEnv } from './lib.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const CONFIG_DIR = join(BENCH_DIR, 'queue-config');
const DIST = join(ROOT, 'dist/src');
const SIDE_FLAG = '--side';
const OPERATION = 'bench.noop'; // registered by this script only; no product code knows it
const PRICE = 1; // credits each job reserves, and captures when it completes
const STARTING_CREDITS = 100_000_000;
const WARMUP = 1000; // jobs run first in every side and thrown away (JIT, connections, SQLite pages)
const EMBEDDED_AIM = 5000; // jobs/s
const BULLMQ_AIM = 40; // % of bare BullMQ, on PostgreSQL
const LOOPBACK = ['127.0.0.1', 'localhost', '[::1]'];
const STOP_TIMEOUT_MS = 30_000;

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

const WINDOW = wholeFromEnv('BENCH_JOBS', 2000, 1, 1_000_000);
const ROUNDS = wholeFromEnv('BENCH_ROUNDS', 5, 1, 100);
const CONCURRENCY = wholeFromEnv('BENCH_CONCURRENCY', 50, 1, 64); // 64: JOB_CONCURRENCY's maximum
const REDIS_URL = loopbackUrl('BENCH_REDIS_URL', 'redis://127.0.0.1:6379');
const POSTGRES_URL = loopbackUrl('BENCH_POSTGRES_URL', '');
const PROFILE_DIR = process.env.BENCH_CPU_PROF_DIR ?? '';

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

/** A side's window: `count` jobs end to end, with the wall time and this process's CPU time. */
async function window(side, count) {
  const cpu = process.cpuUsage();
  const seconds = await side.run(count);
  const used = process.cpuUsage(cpu);
  return { seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

// ---------------------------------------------------------------------------------------------------
// Sides: each is set up once in its child, then runs windows on the parent's word.

async function bareBullmq() {
  const { Queue, Worker } = await import('bullmq');
  const prefix = uniquePrefix('bare');
  const connection = { url: REDIS_URL };
  // As the Darkroom driver configures its queue: finished jobs are dropped at once.
  const queue = new Queue('bare', { connection, prefix, defaultJobOptions: { removeOnComplete: true, removeOnFail: true } });
  let current;
  const worker = new Worker('bare', async (job) => current.done(job.id), { connection, prefix, concurrency: CONCURRENCY });
  await worker.waitUntilReady();
  return {
    run: (count) => {
      current = tally(count);
      return produce(count, (i) => queue.add('noop', { i }), current.allDone);
    },
    close: async () => {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    },
  };
}

/**
 * Darkroom from dist/: the worker context (the app without HTTP, as worker.js builds it), with a
 * module beside the plugins whose @JobOperation prices OPERATION at PRICE credits and whose
 * @JobHandler runs it and does nothing. Jobs are submitted through JobSubmitter, as POST /api/v1/jobs
 * does once the request is authenticated and validated.
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
  const { JobOperation } = require(join(DIST, 'jobs/job-operation.js'));
  const { JobEvents } = require(join(DIST, 'jobs/job-events.js'));
  const { JobSubmitter } = require(join(DIST, 'jobs/job-submitter.js'));
  const { Job } = require(join(DIST, 'jobs/job.entity.js'));
  const { CreditsService } = require(join(DIST, 'credits/credits.service.js'));
  const { CreditLedgerEntry } = require(join(DIST, 'credits/credit-ledger-entry.entity.js'));
  const { Organization } = require(join(DIST, 'tenancy/organization.entity.js'));
  const { EntityManager } = require('@mikro-orm/core');

  const dataDir = await mkdtemp(join(tmpdir(), 'darkroom-bench-queue-'));
  const prefix = uniquePrefix(driver);
  const pg = database === 'postgres' ? await freshPostgres() : null;
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
  class NoopJobs {
    async prepare(auth, dto, job) {
      job.input = {};
      return { price: PRICE, reason: 'bench no-op' };
    }
    async run() {
      return { persist: [], cost: PRICE };
    }
  }
  JobHandler(OPERATION)(NoopJobs);
  JobOperation({ name: OPERATION, dto: Object, scope: 'images:generate', units: () => 1 })(NoopJobs.prototype, 'prepare', Object.getOwnPropertyDescriptor(NoopJobs.prototype, 'prepare'));
  class BenchJobsModule {}
  Module({ providers: [NoopJobs] })(BenchJobsModule);
  applyGeneratedSecrets(config);
  await migrateDatabase(config);
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config, [...(await loadPluginModules(config)), BenchJobsModule]), {
    logger: new PinoNestLogger(createRootLogger(config)),
  });
  const em = app.get(EntityManager);
  const submitter = app.get(JobSubmitter);
  const org = Object.assign(new Organization(), { name: 'bench', plan: 'free' });
  await em.fork().persistAndFlush(org);
  await app.get(CreditsService).grant(org.id, STARTING_CREDITS, 'operator_grant', 'bench');
  // As the auth guard leaves a live API key's request with the operation's scope.
  const scopes = new Set(['images:generate', 'jobs:read']);
  const auth = { principal: { kind: 'api_key', keyId: 'bench-key', keyType: 'live', orgId: org.id, teamId: null, scopes }, endUserId: null, orgId: org.id, scopes, role: null };
  const request = { operation: OPERATION, dto: {} };
  let current;
  let submitted = 0;
  // Counts ends in this process, as a Prefer: wait waiter does: nothing to announce again after a crash.
  app.get(JobEvents).onFinished(async (job) => current.done(job.id), () => false);
  const add = async () => {
    const answer = await submitter.submit(auth, request, { waitSeconds: 0 });
    if (!answer.accepted) throw new Error(`submit answered ${JSON.stringify(answer)}`);
    submitted += 1;
  };
  return {
    run: (count) => {
      current = tally(count);
      return produce(count, add, current.allDone);
    },
    /** Every job completed in one attempt and every reservation was captured once; then the app closes. */
    close: async () => {
      try {
        const fork = em.fork();
        const completed = await fork.count(Job, { type: OPERATION, status: 'completed', attempts: 1 });
        if (completed !== submitted) throw new Error(`${completed} of ${submitted} jobs completed in one attempt`);
        for (let i = 0; i < 100 && (await fork.count(CreditLedgerEntry, { orgId: org.id, kind: 'capture' })) < submitted; i++) await sleep(100);
        const captures = await fork.count(CreditLedgerEntry, { orgId: org.id, kind: 'capture' });
        const balance = await app.get(CreditsService).summary(org.id);
        if (captures !== submitted || balance.reserved !== 0 || balance.creditsBalance !== STARTING_CREDITS - submitted * PRICE) {
          throw new Error(`credits not settled: ${captures} captures of ${submitted} jobs, balance ${JSON.stringify(balance)}`);
        }
        // The listeners of the last jobs' events (webhooks) finish their writes before the database closes.
        for (let i = 0; i < 100 && (await fork.count(Job, { eventPending: true })); i++) await sleep(100);
      } finally {
        await app.close();
        await pg?.drop();
        if (driver === 'bullmq') await dropKeys(prefix);
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
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
  bare: { label: 'bare BullMQ (add + no-op worker)', start: bareBullmq },
  embedded: { label: 'darkroom, embedded queue (SQLite)', start: () => darkroom('embedded', 'sqlite') },
  'bullmq-sqlite': { label: 'darkroom, BullMQ queue (SQLite + Redis)', start: () => darkroom('bullmq', 'sqlite') },
  'bullmq-postgres': { label: 'darkroom, BullMQ queue (PostgreSQL + Redis)', start: () => darkroom('bullmq', 'postgres') },
};

/** A child: sets its side up, runs the warm-up, then answers the parent's `run` and `close` messages. */
async function child(name) {
  const fail = (err) => {
    console.error(`${name} failed: ${err.stack ?? err}`);
    process.exit(1);
  };
  process.on('disconnect', () => process.exit(1)); // the parent is gone
  try {
    const side = await SIDES[name].start();
    await side.run(WARMUP);
    process.on('message', (msg) => {
      if (msg.run) window(side, msg.run).then((result) => process.send({ result }), fail);
      if (msg.close) side.close().then(() => process.send({ closed: true }, () => process.exit(0)), fail);
    });
    process.send({ ready: true });
  } catch (err) {
    fail(err);
  }
}

// ---------------------------------------------------------------------------------------------------
// Parent: starts every side, runs the windows in turn, and prints the figures.

class SideProcess {
  constructor(name) {
    this.name = name;
    const profile = PROFILE_DIR && name !== 'bare' ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=queue-${name}-${process.pid}.cpuprofile`] : [];
    const env = { ...baseEnv(), BENCH_CONCURRENCY: String(CONCURRENCY), BENCH_REDIS_URL: REDIS_URL, BENCH_POSTGRES_URL: POSTGRES_URL };
    this.proc = fork(fileURLToPath(import.meta.url), [`${SIDE_FLAG}=${name}`], { env, execArgv: profile, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.exited = new Promise((resolve) => this.proc.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Sends `msg` (if any) and resolves with the child's next message that has `key`; rejects if it exits first. */
  ask(msg, key) {
    return new Promise((resolve, reject) => {
      const onMessage = (answer) => {
        if (!(key in answer)) return;
        this.proc.off('message', onMessage);
        resolve(answer[key]);
      };
      this.proc.on('message', onMessage);
      void this.exited.then(({ code, signal }) => reject(new Error(`${this.name} exited (${signal ?? `code ${code}`}) while asked for ${key}`)));
      if (msg) this.proc.send(msg);
    });
  }

  async stop() {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    await Promise.race([this.exited, sleep(STOP_TIMEOUT_MS)]);
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function printReport(names, windows) {
  const header = ['', 'jobs/s', 'median jobs/s', 'CPU us/job', 'cores busy'];
  const totals = Object.fromEntries(
    names.map((name) => {
      const seconds = windows[name].reduce((s, w) => s + w.seconds, 0);
      const cpu = windows[name].reduce((s, w) => s + w.cpuSeconds, 0);
      const jobs = WINDOW * windows[name].length;
      return [name, { rate: jobs / seconds, median: median(windows[name].map((w) => WINDOW / w.seconds)), cpuUs: (cpu * 1e6) / jobs, busy: cpu / seconds }];
    }),
  );
  const lines = [header, ...names.map((n) => [SIDES[n].label, totals[n].rate.toFixed(0), totals[n].median.toFixed(0), totals[n].cpuUs.toFixed(0), totals[n].busy.toFixed(2)])];
  const widths = header.map((_, i) => Math.max(...lines.map((l) => l[i].length)));
  const fmt = (l) => l.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  console.log(`\n${fmt(lines[0])}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
  for (const l of lines.slice(1)) console.log(fmt(l));

  /** The median of the per-round ratios of a side's rate to bare BullMQ's in the same round, in %. */
  const ratioToBare = (name) => median(windows[name].map((w, round) => (windows.bare[round].seconds / w.seconds) * 100));
  const quote = [];
  console.log('');
  const embedded = totals.embedded.median;
  console.log(`${SIDES.embedded.label}: median ${embedded.toFixed(0)} jobs/s (${ratioToBare('embedded').toFixed(1)}% of bare BullMQ)   aim: >= ${EMBEDDED_AIM} jobs/s  (${embedded >= EMBEDDED_AIM ? 'met' : 'NOT met'})`);
  quote.push(`embedded ${embedded.toFixed(0)} jobs/s`);
  for (const name of ['bullmq-sqlite', 'bullmq-postgres']) {
    if (!windows[name]) continue;
    const ratio = ratioToBare(name);
    const aim = name === 'bullmq-postgres' ? `   aim: >= ${BULLMQ_AIM}%  (${ratio >= BULLMQ_AIM ? 'met' : 'NOT met'})` : '   (no aim of its own)';
    console.log(`${SIDES[name].label} / bare BullMQ: median per-round ratio ${ratio.toFixed(1)}%${aim}`);
    quote.push(`bullmq ${name.split('-')[1]} ${ratio.toFixed(1)}% of bare`);
  }
  console.log(`\nratio: ${quote.join('; ')}; bare ${totals.bare.median.toFixed(0)} jobs/s (${ROUNDS} rounds of ${WINDOW} jobs per side, concurrency ${CONCURRENCY})`);
}

async function parent() {
  if (!existsSync(join(DIST, 'worker.js'))) {
    console.error(`${join(DIST, 'worker.js')} not found: run \`npm run build\` first`);
    process.exit(2);
  }
  const names = ['bare', 'embedded', 'bullmq-sqlite', ...(POSTGRES_URL ? ['bullmq-postgres'] : [])];
  const sides = [];
  const stopAll = () => Promise.all(sides.map((s) => s.stop()));
  // Hard ceiling, so a hung side can never keep the run going: 2 min of set-up and warm-up per side plus a
  // generous 2 ms per job (the slowest side here runs well under 1 ms a job).
  const deadlineMs = names.length * (120_000 + WINDOW * ROUNDS * 2);
  let aborting = false;
  const abort = async (why) => {
    if (aborting) return;
    aborting = true;
    console.error(`\n${why}; stopping the sides`);
    await stopAll();
    process.exit(1);
  };
  setTimeout(() => abort(`gave up after ${deadlineMs / 1000} s`), deadlineMs).unref();
  process.once('SIGINT', () => abort('interrupted'));
  process.once('SIGTERM', () => abort('terminated'));
  console.log(
    `node ${process.version}, ${availableParallelism()} cores; ${ROUNDS} rounds of ${WINDOW} no-op jobs per side (after ${WARMUP} warm-up), sides in turn, ` +
      `${CONCURRENCY} adds in flight and ${CONCURRENCY} jobs at once; Redis ${REDIS_URL}${POSTGRES_URL ? `, PostgreSQL ${POSTGRES_URL}` : ' (set BENCH_POSTGRES_URL for the PostgreSQL row)'}\n`,
  );
  try {
    // Set up one at a time (start-up is CPU-heavy), then all stay alive, idle but for the one measured.
    for (const name of names) {
      const side = new SideProcess(name);
      sides.push(side);
      await side.ask(null, 'ready');
    }
    const windows = Object.fromEntries(names.map((n) => [n, []]));
    for (let round = 1; round <= ROUNDS; round++) {
      const cells = [];
      for (const side of sides) {
        const result = await side.ask({ run: WINDOW }, 'result');
        windows[side.name].push(result);
        cells.push(`${side.name} ${(WINDOW / result.seconds).toFixed(0)}`);
      }
      console.log(`round ${round}: ${cells.join(', ')} jobs/s`);
    }
    for (const side of sides) await side.ask({ close: true }, 'closed');
    await Promise.all(sides.map((s) => s.exited));
    printReport(names, windows);
    process.exit(0);
  } catch (err) {
    console.error(`\nbenchmark failed: ${err.message}`);
    await stopAll();
    process.exit(1);
  }
}

const sideArg = process.argv.find((a) => a.startsWith(`${SIDE_FLAG}=`));
if (sideArg) await child(sideArg.slice(SIDE_FLAG.length + 1));
else await parent();
