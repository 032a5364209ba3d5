// What does the studio's /process pipeline cost over bare sharp doing the same steps?
//
// One 2000x2000 JPEG of a product on a grey studio backdrop, made to white 2000x2000 with a 5% margin
// in backdrop mode, by each contender in turn: the bare side (sharp called directly, plus the same
// backdrop cut), processImage (the pipeline alone, in this process) and POST /api/v1/process on a
// started server (dist/src/main.js on loopback: the request, source checks, storage, the job and its
// worker thread, the answer). Rounds are interleaved, so a slow spell of the machine falls on every
// side alike; the medians and the ratios against the bare side are printed. See bench/README.md.
//
//   npm run bench:studio                  # builds first
//   BENCH_ROUNDS=30 node bench/studio-process.mjs
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Child, HOST, ROOT, baseEnv, call, freePort, guardRun, setUpApiKey, stopChildren, waitReady, wholeFromEnv } from './lib.mjs';

const DIST = join(ROOT, 'dist/src');
const require = createRequire(import.meta.url);
const sharp = require('sharp');

const SIDE = 2000;
const MARGIN = 0.05;
const QUALITY = 90;
const PIXEL_LIMIT = 50_000_000;
const WARMUP_ROUNDS = 2;
const ROUNDS = wholeFromEnv('BENCH_ROUNDS', 10, 3, 200);
const TARGET_RATIO = 1.15;
// Hard ceiling for the whole run: a round takes well under 10 s per contender.
const DEADLINE_MS = 60_000 + (WARMUP_ROUNDS + ROUNDS) * 3 * 10_000;

/** A bottle on a grey sweep, as a studio shot would be: drawn as SVG, saved as a JPEG (quality 92). */
async function productPhoto() {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIDE}" height="${SIDE}">
    <defs>
      <linearGradient id="sweep" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#c4c4c4"/><stop offset="1" stop-color="#b2b2b2"/></linearGradient>
      <linearGradient id="glass" x1="0" y1="0" x2="1" y2="0"><stop offset="0" stop-color="#0d4d5c"/><stop offset="0.35" stop-color="#3fb3c9"/><stop offset="1" stop-color="#0a3a45"/></linearGradient>
    </defs>
    <rect width="100%" height="100%" fill="url(#sweep)"/>
    <rect x="900" y="420" width="200" height="320" fill="url(#glass)"/>
    <rect x="720" y="700" width="560" height="960" rx="70" fill="url(#glass)"/>
    <rect x="880" y="360" width="240" height="90" rx="12" fill="#282830"/>
    <rect x="780" y="980" width="440" height="330" fill="#f1e9d2"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer();
}

/** The box of the pixels whose alpha reaches 128. */
function boxOf(alpha, width, height) {
  let left = width;
  let right = -1;
  let top = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (alpha[y * width + x] < 128) continue;
      if (top < 0) top = y;
      bottom = y;
      if (x < left) left = x;
      if (x > right) right = x;
    }
  }
  return { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/** The same steps written straight against sharp: decode, backdrop cut, subject box, reframe, composite, encode. */
function bareSide({ cutBackdrop }) {
  return async (jpeg) => {
    const { data, info } = await sharp(jpeg, { limitInputPixels: PIXEL_LIMIT }).rotate().flatten({ background: '#ffffff' }).toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
    const { width, height } = info;
    const alpha = await cutBackdrop({ data, width, height, channels: 3 });
    const box = boxOf(alpha, width, height);
    const inner = SIDE * (1 - 2 * MARGIN);
    const scale = Math.min(inner / box.width, inner / box.height);
    const w = Math.round(box.width * scale);
    const h = Math.round(box.height * scale);
    const rgba = await sharp(data, { raw: { width, height, channels: 3 } }).joinChannel(alpha, { raw: { width, height, channels: 1 } }).raw().toBuffer();
    const subject = await sharp(rgba, { raw: { width, height, channels: 4 } }).extract(box).resize(w, h, { fit: 'fill', kernel: 'lanczos3' }).raw().toBuffer();
    return sharp({ create: { width: SIDE, height: SIDE, channels: 3, background: '#ffffff' } })
      .composite([{ input: subject, raw: { width: w, height: h, channels: 4 }, left: Math.round((SIDE - w) / 2), top: Math.round((SIDE - h) / 2) }])
      .jpeg({ quality: QUALITY })
      .toBuffer();
  };
}

/** processImage with the backdrop cut as its remover, as backgroundRemover runs it in backdrop mode; its step timings are kept. */
function productSide({ cutBackdrop, processImage, StepClock }, stepLog) {
  const removeBackground = async (image) => ({ alpha: await cutBackdrop(image), width: image.width, height: image.height, mode: 'backdrop' });
  const options = { width: SIDE, height: SIDE, margin: MARGIN, background: 'white', fit: 'contain', format: 'jpeg', jpegQuality: QUALITY, removeBackground: 'backdrop', shadow: 'none' };
  return async (jpeg) => {
    const clock = new StepClock();
    const image = await processImage(jpeg, options, { removeBackground, clock, pixelLimit: PIXEL_LIMIT });
    stepLog.push(clock.steps);
    return image.data;
  };
}

/** A server as `npm start` runs it, with plans that let it take every round's work (bench/generation-config). */
function startDarkroom(name, port, dataDir, logLevel) {
  const config = join(ROOT, 'bench/generation-config');
  // BENCH_CPU_PROF_DIR=dir writes a V8 CPU profile of the measured server there, to see where its time goes.
  const profile = process.env.BENCH_CPU_PROF_DIR && name === 'darkroom' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`] : [];
  return new Child(name, [...profile, join(DIST, 'main.js')], { ...baseEnv(), PORT: String(port), HOST, PUBLIC_URL: `http://${HOST}:${port}`, DATA_DIR: dataDir, CONFIG_DIR: config, LOG_LEVEL: logLevel, SMTP_URL: '' });
}

/** POST /api/v1/process with the JPEG as base64 JSON, answered when its job is done; the output is fetched by its link, untimed. */
async function httpSide(dataDir, httpSteps) {
  const key = await setUpApiKey((port) => startDarkroom('setup', port, dataDir, 'info'), ['studio:process']);
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  await waitReady(startDarkroom('darkroom', port, dataDir, 'warn'), `${base}/readyz`);
  const run = async (jpeg) => {
    const body = { image: { data: jpeg.toString('base64') }, width: SIDE, height: SIDE, margin: MARGIN, format: 'jpeg', jpegQuality: QUALITY, removeBackground: 'backdrop' };
    const { json } = await call(base, 'POST', '/api/v1/process', 200, { token: key, body, timeoutMs: 60_000 });
    httpSteps.push(json.steps);
    return json.url;
  };
  const fetchOutput = async (url) => Buffer.from(await (await fetch(url)).arrayBuffer());
  return { run, fetchOutput };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function main() {
  const processModule = join(DIST, 'studio/process/process-image.js');
  if (!existsSync(processModule)) throw new Error(`${processModule} not found: run \`npm run build\` first (or use \`npm run bench:studio\`)`);
  const { cutBackdrop } = require(join(DIST, 'studio/background/backdrop.js'));
  const { processImage } = require(processModule);
  const { StepClock } = require(join(DIST, 'studio/pipeline/studio-pipeline.js'));
  // Every side computes its pixels afresh: libvips' operation cache would replay repeated calls.
  sharp.cache(false);

  const jpeg = await productPhoto();
  const productSteps = [];
  const dataDir = await mkdtemp(join(tmpdir(), 'darkroom-bench-studio-'));
  const httpSteps = [];
  const http = await httpSide(dataDir, httpSteps);
  // The baseline first; each further contender is one more entry (an HTTP side: POST /api/v1/process to a started app).
  const contenders = [
    { name: 'bare sharp + backdrop cut', run: bareSide({ cutBackdrop }) },
    { name: 'processImage', run: productSide({ cutBackdrop, processImage, StepClock }, productSteps) },
    { name: 'POST /api/v1/process', run: http.run, output: http.fetchOutput },
  ];
  console.log(`node ${process.version}, ${availableParallelism()} cores, libvips ${sharp.versions.vips}, ${sharp.concurrency()} libvips threads`);
  console.log(`input: ${SIDE}x${SIDE} JPEG, ${jpeg.length} bytes; output: ${SIDE}x${SIDE} JPEG q${QUALITY} on white, margin ${MARGIN}, backdrop mode`);
  console.log(`${WARMUP_ROUNDS} warm-up rounds, then ${ROUNDS} measured rounds, contenders interleaved\n`);

  const times = contenders.map(() => []);
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    // Each round starts with a different contender, so none always runs right after another.
    for (let turn = 0; turn < contenders.length; turn++) {
      const index = (round + turn) % contenders.length;
      const started = performance.now();
      const answer = await contenders[index].run(jpeg);
      const ms = performance.now() - started;
      const output = contenders[index].output ? await contenders[index].output(answer) : answer;
      const { width, height, format } = await sharp(output).metadata();
      if (width !== SIDE || height !== SIDE || format !== 'jpeg') throw new Error(`${contenders[index].name} made a ${width}x${height} ${format}, not a ${SIDE}x${SIDE} jpeg`);
      if (round >= WARMUP_ROUNDS) times[index].push(ms);
    }
    if (round === WARMUP_ROUNDS - 1) productSteps.length = 0;
  }

  const bare = median(times[0]);
  const rows = contenders.map((contender, index) => [contender.name, median(times[index]), Math.min(...times[index]), median(times[index]) / bare]);
  const width = Math.max(...rows.map(([name]) => name.length));
  console.log(`${''.padEnd(width)}  median ms    min ms   ratio`);
  for (const [name, med, min, ratio] of rows) console.log(`${name.padEnd(width)}  ${med.toFixed(1).padStart(9)}  ${min.toFixed(1).padStart(8)}  ${ratio.toFixed(3).padStart(6)}`);
  for (const [name, log] of [['processImage', productSteps], ['POST /api/v1/process', httpSteps.slice(WARMUP_ROUNDS)]]) {
    const stepNames = log[0].map((step) => step.name);
    console.log(`${name} steps (median ms): ${stepNames.map((step) => `${step} ${median(log.map((steps) => steps.find((s) => s.name === step).ms)).toFixed(1)}`).join(', ')}`);
  }
  console.log('');
  for (const row of rows.slice(1)) {
    const [name, med, , ratio] = row;
    console.log(`ratio: ${name} / bare = ${ratio.toFixed(3)}x (median ${med.toFixed(0)} ms vs ${bare.toFixed(0)} ms)   aim: <= ${TARGET_RATIO}x  (${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`);
  }
  await stopChildren();
  await rm(dataDir, { recursive: true, force: true });
}

guardRun(DEADLINE_MS, stopChildren);

try {
  await main();
  process.exit(0);
} catch (err) {
  console.error(`\nbenchmark failed: ${err.message}`);
  process.exit(1);
}
