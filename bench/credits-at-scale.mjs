// Do credit reads stay flat as an organisation's ledger grows? GET /api/v1/credits (the balance and the
// credits open reservations hold: what every reservation and the console read) for an organisation
// with a one-entry ledger against one with BENCH_ENTRIES more entries, windows interleaved in rounds,
// on one server over SQLite. See bench/README.md.
//
//   npm run build && node bench/credits-at-scale.mjs
//   BENCH_ENTRIES=500000 BENCH_ROUNDS=8 node bench/credits-at-scale.mjs
import autocannon from 'autocannon';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseEnv, call, Child, freePort, guardRun, HOST, ROOT, setUpApiKey, stopChildren, waitReady, wholeFromEnv } from './lib.mjs';

const MAIN = join(ROOT, 'dist/src/main.js');
const CONFIG_DIR = join(dirname(fileURLToPath(import.meta.url)), 'config');
const ENTRIES = wholeFromEnv('BENCH_ENTRIES', 200_000, 2, 10_000_000);
const ROUNDS = wholeFromEnv('BENCH_ROUNDS', 5, 1, 50);
const WINDOW_SECONDS = wholeFromEnv('BENCH_WINDOW', 3, 1, 60);
const CONNECTIONS = 10;
const AIM = 0.9; // the grown ledger's requests/s at least 90 % of the small one's: reads do not grow with the ledger
const DEADLINE_MS = 300_000 + ROUNDS * 2 * WINDOW_SECONDS * 1000 * 2 + ENTRIES / 10;

const start = (name, port, dataDir, logLevel = 'warn') =>
  new Child(name, [MAIN], { ...baseEnv(), PORT: String(port), HOST, PUBLIC_URL: `http://${HOST}:${port}`, DATA_DIR: dataDir, CONFIG_DIR, LOG_LEVEL: logLevel, SMTP_URL: '' });

/** Half the entries reservations of 1 credit, half the releases that settle them: the balance and reserved stay as they were. */
function growLedger(dataDir, orgId) {
  const Database = createRequire(join(ROOT, 'package.json'))('libsql');
  const db = new Database(join(dataDir, 'darkroom.sqlite'));
  const insert = db.prepare('insert into credit_ledger (id, org_id, amount, kind, reason, reference_id, settles, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)');
  db.exec('begin');
  for (let i = 0; i < ENTRIES / 2; i++) {
    const reservation = `bench-r-${i}`;
    insert.run([reservation, orgId, -1, 'reservation', 'bench work', `bench-job-${i}`, null, Date.now()]);
    insert.run([`bench-s-${i}`, orgId, 1, 'release', 'release of bench work', `bench-job-${i}`, reservation, Date.now()]);
  }
  db.exec('commit');
  db.close();
}

async function load(base, key) {
  const result = await autocannon({ url: `${base}/api/v1/credits`, connections: CONNECTIONS, headers: { authorization: `Bearer ${key}` }, duration: WINDOW_SECONDS });
  if (result.non2xx || result.errors || result.timeouts) throw new Error(`GET /api/v1/credits: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  return { rps: result.requests.average, p99: result.latency.p99 };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

let tmp;
async function main() {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} not found: run \`npm run build\` first`);
  console.log(`node ${process.version}, ${availableParallelism()} cores; ${ROUNDS} rounds of ${WINDOW_SECONDS} s per organisation, ${CONNECTIONS} connections; SQLite`);
  tmp = await mkdtemp(join(tmpdir(), 'darkroom-bench-credits-'));
  const dataDir = join(tmp, 'data');
  const setUp = (port) => start('darkroom (setup)', port, dataDir, 'info');
  const keys = { small: await setUpApiKey(setUp, ['credits:read']), grown: await setUpApiKey(setUp, ['credits:read']) };

  let port = await freePort();
  let base = `http://${HOST}:${port}`;
  let server = start('darkroom', port, dataDir);
  await waitReady(server, `${base}/readyz`);
  const orgId = (await call(base, 'GET', '/api/v1/me', 200, { token: keys.grown })).json.currentOrganization?.id;
  if (!orgId) throw new Error('GET /api/v1/me named no organisation for the API key');
  await server.stop();

  console.log(`writing ${ENTRIES.toLocaleString('en')} ledger entries for the grown organisation ...`);
  growLedger(dataDir, orgId);
  port = await freePort();
  base = `http://${HOST}:${port}`;
  server = start('darkroom', port, dataDir);
  await waitReady(server, `${base}/readyz`);
  for (const [name, key] of Object.entries(keys)) {
    const { json } = await call(base, 'GET', '/api/v1/credits', 200, { token: key });
    if (json.creditsBalance !== 100 || json.reserved !== 0) throw new Error(`${name}: expected 100 credits and none reserved, got ${JSON.stringify(json)}`);
    await load(base, key); // warm-up
  }

  const rows = { small: [], grown: [] };
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of round % 2 ? ['grown', 'small'] : ['small', 'grown']) rows[name].push(await load(base, keys[name]));
    const [s, g] = [rows.small[round], rows.grown[round]];
    console.log(`round ${round + 1}/${ROUNDS}: one entry ${s.rps.toFixed(0)} req/s (p99 ${s.p99} ms), ${ENTRIES.toLocaleString('en')} more ${g.rps.toFixed(0)} req/s (p99 ${g.p99} ms): ${((g.rps / s.rps) * 100).toFixed(1)}%`);
  }
  const ratio = median(rows.grown.map((g, i) => g.rps / rows.small[i].rps));
  console.log(`\nGET /api/v1/credits, median of rounds: one-entry ledger ${median(rows.small.map((r) => r.rps)).toFixed(0)} req/s (p99 ${median(rows.small.map((r) => r.p99))} ms), ` +
    `${ENTRIES.toLocaleString('en')} more entries ${median(rows.grown.map((r) => r.rps)).toFixed(0)} req/s (p99 ${median(rows.grown.map((r) => r.p99))} ms)`);
  console.log(`ratio: ${(ratio * 100).toFixed(1)}% of the one-entry ledger's requests/s   aim: >= ${AIM * 100}%  (${ratio >= AIM ? 'met' : 'NOT met'})`);
}

const cleanUp = async () => {
  await stopChildren();
  if (tmp) await rm(tmp, { recursive: true, force: true });
};
guardRun(DEADLINE_MS, cleanUp);
main().then(cleanUp, async (err) => {
  console.error(err.stack ?? err);
  await cleanUp();
  process.exit(1);
});
