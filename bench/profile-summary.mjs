// Summarises V8 CPU profiles (.cpuprofile, as BENCH_CPU_PROF_DIR writes them): where the busy time
// went by self time and by inclusive time, per function and per package, with start-up (module
// loading and the entry script's top level) left out so that the figures describe steady work.
//
//   node bench/profile-summary.mjs <file.cpuprofile> [--top=30] [--per=<operations>] [--skip=<seconds>] [--tree=<min %>]
//
// --tree prints the call tree as text, a flame graph turned on its side: each line a frame with its
// share of the busy time, its callees indented below it, frames under min % left out.
// Start-up that runs after an await has no module loading on its stack: --skip leaves out the
// profile's first seconds as well (from the process's start to the load's).
// With --per, each line also shows microseconds per operation (requests, jobs, generations served
// while profiling), which compares runs of different lengths.
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
const option = (name, fallback) => Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
if (!file) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [--top=30] [--per=<operations>] [--skip=<seconds>] [--tree=<min %>]');
  process.exit(2);
}
const top = option('top', 30);
const per = option('per', 0);
const skipUs = option('skip', 0) * 1e6;
const treeMin = option('tree', 0);

const profile = JSON.parse(readFileSync(file, 'utf8'));
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map();
for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);

const shortUrl = (url) => url.replace(/^file:\/\//, '').replace(/.*\/node_modules\//, '').replace(/.*\/dist\//, 'dist/');
const label = (frame) => `${frame.functionName || '(anonymous)'} ${shortUrl(frame.url)}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
const packageOf = (frame) => {
  if (!frame.url) return frame.functionName;
  if (frame.url.includes('/node_modules/')) return frame.url.split('/node_modules/').pop().match(/^(@[^/]+\/[^/]+|[^/]+)/)[0];
  if (frame.url.startsWith('node:')) return frame.url;
  return shortUrl(frame.url);
};

function stackOf(id) {
  const stack = [];
  for (let p = id; p !== undefined; p = parentOf.get(p)) stack.push(nodes.get(p).callFrame);
  return stack;
}
const isStartUp = (stack) => stack.some((f) => f.functionName === 'Module._load' || (f.functionName === '' && /\/(main|worker)\.js$|\.mjs$/.test(f.url)));

const timeOf = new Map();
let elapsed = 0;
let skipped = 0;
profile.samples.forEach((id, i) => {
  const t = profile.timeDeltas[i] ?? 0;
  elapsed += t;
  if (elapsed < skipUs) skipped += t;
  else timeOf.set(id, (timeOf.get(id) ?? 0) + t);
});

/** The call tree with frames of the same function under the same caller merged, root first. */
const tree = { time: 0, children: new Map() };
function addToTree(stack, t) {
  let node = tree;
  node.time += t;
  for (const frame of stack.slice().reverse()) {
    const key = label(frame);
    if (!node.children.has(key)) node.children.set(key, { time: 0, children: new Map() });
    node = node.children.get(key);
    node.time += t;
  }
}

function printTree(node, depth) {
  for (const [key, child] of [...node.children].sort((a, b) => b[1].time - a[1].time)) {
    if ((100 * child.time) / busy < treeMin) continue;
    console.log(`${((100 * child.time) / busy).toFixed(1).padStart(5)}%${us(child.time)}  ${'  '.repeat(depth)}${key}`);
    printTree(child, depth + 1);
  }
}

const self = new Map();
const inclusive = new Map();
const byPackage = new Map();
let busy = 0;
let startUp = 0;
const add = (map, key, t) => map.set(key, (map.get(key) ?? 0) + t);
for (const [id, t] of timeOf) {
  const stack = stackOf(id);
  if (stack[0].functionName === '(idle)') continue;
  if (isStartUp(stack)) {
    startUp += t;
    continue;
  }
  busy += t;
  addToTree(stack, t);
  add(self, label(stack[0]), t);
  add(byPackage, packageOf(stack[0]), t);
  for (const key of new Set(stack.map(label))) add(inclusive, key, t);
}

const us = (t) => (per ? `  ${(t / per).toFixed(2).padStart(7)} us/op` : '');
console.log(`${file}\nbusy ${(busy / 1e6).toFixed(2)} s after start-up (start-up ${(startUp / 1e6).toFixed(2)} s${skipUs ? `, first ${(skipped / 1e6).toFixed(2)} s skipped` : ''})${per ? `, ${(busy / per).toFixed(1)} us per operation over ${per}` : ''}`);
for (const [title, map] of [['self time by function', self], ['self time by package or file', byPackage], ['inclusive time by function', inclusive]]) {
  console.log(`\n${title}:`);
  for (const [key, t] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * t) / busy).toFixed(1).padStart(5)}%${us(t)}  ${key}`);
}
if (treeMin) {
  console.log(`\ncall tree (frames over ${treeMin}% of the busy time):`);
  printTree(tree, 0);
}
