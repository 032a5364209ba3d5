// Does the API stay responsive while the studio works? The server's event-loop delay (p99 and max,
// sampled every millisecond by bench/event-loop-probe.cjs, preloaded into it) while 8 studio jobs run
// at once: /process on 2000x2000 JPEGs in auto mode, 4 on a grey studio backdrop (the classical cut)
// and 4 on a textured cloth (the segmentation model, in its child process). Aim: p99 under 20 ms.
// The same figure is taken with the server idle first, as the floor. See bench/README.md.
//
//   npm run bench:event-loop              # builds first
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { baseEnv, call, Child, freePort, guardRun, HOST, ROOT, setUpApiKey, stopChildren, waitReady } from './lib.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const MAIN = join(ROOT, 'dist/src/main.js');
const PROBE = join(BENCH_DIR, 'event-loop-probe.cjs');
// JOB_CONCURRENCY 8 and a plan that lets 8 of an organisation's jobs run at once.
const CONFIG_DIR = join(BENCH_DIR, 'generation-config');
const require = createRequire(import.meta.url);
const sharp = require('sharp');

const JOBS = 8;
const SIDE = 2000;
const TARGET_P99_MS = 20;
const IDLE_MS = 3000;
const JOB_TIMEOUT_MS = 300_000;
const DEADLINE_MS = 600_000;

/** A product on a backdrop: a flat grey sweep, or a woven cloth the classical cut cannot handle. */
async function productPhoto(textured) {
  const cloth = `<pattern id="weave" width="24" height="24" patternUnits="userSpaceOnUse"><rect width="24" height="24" fill="#9a8c70"/><path d="M0 6h24M0 18h24" stroke="#7d6f55" stroke-width="5"/><path d="M6 0v24M18 0v24" stroke="#b3a486" stroke-width="3"/></pattern>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIDE}" height="${SIDE}"><defs>${cloth}</defs>
    <rect width="100%" height="100%" fill="${textured ? 'url(#weave)' : '#c8c8c8'}"/>
    <rect x="720" y="560" width="560" height="1100" rx="80" fill="#1f6f86"/><rect x="900" y="380" width="200" height="220" fill="#113c48"/></svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

function start(name, port, dataDir, logLevel) {
  // BENCH_CPU_PROF_DIR=dir writes a V8 CPU profile of the measured server there, to see what holds the loop.
  const profile = process.env.BENCH_CPU_PROF_DIR && name === 'darkroom' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  return new Child(name, [...profile, '--require', PROBE, MAIN], { ...baseEnv(), PORT: String(port), HOST, PUBLIC_URL: `http://${HOST}:${port}`, DATA_DIR: dataDir, CONFIG_DIR, LOG_LEVEL: logLevel, SMTP_URL: '' });
}

/** The server's event-loop delay since the last reading, in ms (p50, p99, max), from the probe. */
function loopDelay(server) {
  const reading = server.waitFor('event-loop reading', (line) => (line.startsWith('event-loop-probe ') ? JSON.parse(line.slice(17)) : undefined), 5000);
  server.proc.kill('SIGUSR2');
  return reading;
}

async function runBatch(base, key, sources) {
  const items = sources.map((bytes) => ({ operation: 'process', image: { data: bytes.toString('base64') }, width: SIDE, height: SIDE, removeBackground: 'auto' }));
  const { json } = await call(base, 'POST', '/api/v1/jobs', 202, { token: key, body: { items }, timeoutMs: 60_000 });
  const deadline = Date.now() + JOB_TIMEOUT_MS;
  for (;;) {
    const batch = (await call(base, 'GET', `/api/v1/jobs/${json.id}`, 200, { token: key })).json;
    if (batch.status === 'completed') {
      if (batch.summary.completed !== sources.length) throw new Error(`a studio job failed: ${JSON.stringify(batch.summary)}`);
      return;
    }
    if (Date.now() > deadline) throw new Error(`the batch did not finish in ${JOB_TIMEOUT_MS / 1000} s`);
    await sleep(500);
  }
}

async function main() {
  if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build` first (npm run bench:event-loop does)');
  const dataDir = await mkdtemp(join(tmpdir(), 'darkroom-bench-loop-'));
  try {
    const key = await setUpApiKey((port) => start('setup', port, dataDir, 'info'), ['studio:process', 'jobs:read']);
    const port = await freePort();
    const base = `http://${HOST}:${port}`;
    const server = start('darkroom', port, dataDir, 'warn');
    await waitReady(server, `${base}/readyz`);
    const [grey, cloth] = await Promise.all([productPhoto(false), productPhoto(true)]);
    const sources = Array.from({ length: JOBS }, (_, i) => (i % 2 ? cloth : grey));
    process.stdout.write('warm-up: one job of each mode (loads the model)... ');
    await runBatch(base, key, [grey, cloth]);
    console.log('done');
    await loopDelay(server);
    await sleep(IDLE_MS);
    const idle = await loopDelay(server);
    const started = performance.now();
    await runBatch(base, key, sources);
    const seconds = (performance.now() - started) / 1000;
    const busy = await loopDelay(server);
    console.log(`idle ${IDLE_MS / 1000} s: event-loop delay p99 ${idle.p99.toFixed(1)} ms, max ${idle.max.toFixed(1)} ms`);
    console.log(`${JOBS} studio jobs at once (${JOBS / 2} backdrop, ${JOBS / 2} model, ${SIDE}x${SIDE} JPEG), ${seconds.toFixed(1)} s: event-loop delay p99 ${busy.p99.toFixed(1)} ms, max ${busy.max.toFixed(1)} ms`);
    console.log(`target: p99 under ${TARGET_P99_MS} ms: ${busy.p99 < TARGET_P99_MS ? 'met' : 'NOT met'}`);
    await server.stop();
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

guardRun(DEADLINE_MS, stopChildren);
main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    stopChildren();
    process.exit(1);
  },
);
