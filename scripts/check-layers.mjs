// The layering check (`npm run lint:layers`, run by CI): dependency-cruiser with the rules of
// .dependency-cruiser.cjs over src/, plugins/ and the test-only plugins of test/fixtures/plugins/. Prints every upward import by pair of folders,
// marking the named exceptions, and fails on a violation or on an exception that matches nothing.
import { createRequire } from 'node:module';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const RULE_FILE = '.dependency-cruiser.cjs';
const { LAYERS, EXCEPTIONS, layerOf } = createRequire(import.meta.url)(`../${RULE_FILE}`);

const options = await extractDepcruiseOptions(`./${RULE_FILE}`);
const { output } = await cruise(['src', 'plugins', 'test/fixtures/plugins'], options, {}, { tsConfig: extractTSConfig(options.tsConfig.fileName) });
const { violations, totalCruised, totalDependenciesCruised } = output.summary;

const upward = violations.filter((v) => v.rule.name.startsWith('upward-from-'));
const others = violations.filter((v) => !upward.includes(v));
const byPair = new Map();
for (const v of upward) {
  const pair = `${layerOf(v.from).name} -> ${layerOf(v.to).name}`;
  byPair.set(pair, [...(byPair.get(pair) ?? []), v]);
}
const excepted = new Set(upward.filter((v) => v.rule.severity === 'ignore').map((v) => `${v.from} -> ${v.to}`));
const unused = EXCEPTIONS.flatMap(({ imports }) => imports.map(([from, to]) => `${from} -> ${to}`)).filter((i) => !excepted.has(i));
const errors = violations.filter((v) => v.rule.severity === 'error');

console.log(`Folders, low to high: ${LAYERS.map((l) => l.name).join(' < ')}`);
console.log(`${totalCruised} modules, ${totalDependenciesCruised} imports cruised`);
console.log(`Upward imports: ${upward.length} in ${byPair.size} folder pairs (${excepted.size} named exceptions)`);
for (const [pair, list] of byPair) {
  console.log(`  ${pair} (${list.length})`);
  for (const v of list) console.log(`    ${v.from} -> ${v.to}${v.rule.severity === 'ignore' ? '  [exception]' : ''}`);
}
for (const v of others) console.log(`${v.rule.name}: ${v.cycle ? [v.from, ...v.cycle.map((c) => c.name)].join(' -> ') : `${v.from} -> ${v.to}`}`);
for (const i of unused) console.log(`Exception in ${RULE_FILE} that matches no import (remove it): ${i}`);
console.log(`${errors.length} violations, ${unused.length} stale exceptions`);
process.exitCode = errors.length || unused.length ? 1 : 0;
