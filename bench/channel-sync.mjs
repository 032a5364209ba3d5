// Is a catalogue sync bounded by the store or by Darkroom? A WooCommerce fake on 127.0.0.1 holds
// 10,000 products (100 a page, no rate limit), each with one image the fake serves (every third one
// small and grey, the others compliant), and each round syncs all of them twice: once through
// Darkroom (a new connection with the channel's default rule pack, POST .../sync on a server started
// from dist/, the compliance scan of every image included) and once bare (the same plugin's
// listProducts paged through in this process, the products dropped). Then the Darkroom connection's
// rule pack is changed to amazon and it syncs again: nothing changed at the store, so that run is the
// scan of every image against pixel rules (background, fill, border) alone. Rounds interleave the two
// sides; it prints products per second per side (Darkroom's with the scan, its calls paced by the
// plugin's declared rateLimits as in production), images scanned per second against the amazon pack,
// the ratio, the rate the store's declared limit allows, and the server's peak memory (VmHWM).
// Loopback only; a hard deadline ends a run that hangs.
//
//   npm run bench:sync                   # builds first
//   BENCH_PRODUCTS=2000 BENCH_ROUNDS=2 node bench/channel-sync.mjs
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { baseEnv, call, Child, freePort, guardRun, HOST, ROOT, setUpApiKey, stopChildren, waitReady, wholeFromEnv } from './lib.mjs';

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const DIST = join(ROOT, 'dist');
const MAIN = join(DIST, 'src/main.js');
const CONFIG_DIR = join(BENCH_DIR, 'channel-config');
const require = createRequire(import.meta.url);

const PRODUCTS = wholeFromEnv('BENCH_PRODUCTS', 10_000, 100, 100_000);
const ROUNDS = wholeFromEnv('BENCH_ROUNDS', 3, 1, 20);
const PAGE_SIZE = 100;
const DEADLINE_MS = 120_000 + ROUNDS * 3 * 240_000;

function start(name, port, dataDir, logLevel) {
  return new Child(name, [MAIN], { ...baseEnv(), PORT: String(port), HOST, PUBLIC_URL: `http://${HOST}:${port}`, DATA_DIR: dataDir, CONFIG_DIR, LOG_LEVEL: logLevel, SMTP_URL: '' });
}

/** The plugin alone: every page of the catalogue through listProducts, in this process, with plain fetch. */
async function bareSync(plugin, credentials) {
  const { MemoryTokenCache } = require(join(DIST, 'src/plugins/channel-connection.js'));
  const connection = { id: 'bench', orgId: 'bench', credentials, updateCredentials: async () => {}, tokens: new MemoryTokenCache() };
  const noop = () => {};
  const ctx = { http: { fetch: (input, init) => fetch(input, init) }, signal: new AbortController().signal, logger: { debug: noop, info: noop, warn: noop, error: noop } };
  let cursor = null;
  let count = 0;
  do {
    const page = await plugin.listProducts(connection, { cursor, updatedSince: null, pageSize: PAGE_SIZE }, ctx);
    count += page.products.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

/** A sync job of the connection, waited for; its milliseconds. */
async function syncJob(base, key, connectionId) {
  const started = performance.now();
  const { json } = await call(base, 'POST', `/api/v1/channels/connections/${connectionId}/sync`, [200, 202], { token: key, headers: { prefer: 'wait=60' }, timeoutMs: 70_000 });
  let job = json;
  while (job.status !== 'completed' && job.status !== 'failed') {
    await new Promise((r) => setTimeout(r, 100));
    job = (await call(base, 'GET', `/api/v1/jobs/${json.id}`, 200, { token: key })).json;
  }
  const ms = performance.now() - started;
  if (job.status !== 'completed') throw new Error(`the sync failed: ${JSON.stringify(job.error)}`);
  return ms;
}

/**
 * Darkroom: a new connection with the channel's default rule pack (woocommerce: header rules, no
 * pixel decoded), its sync job with the scan; then the pack changed to amazon and synced again:
 * nothing changed at the store, so that run is the scan of every image against pixel rules alone.
 */
async function darkroomSync(base, key, credentials, round) {
  const connection = (await call(base, 'POST', '/api/v1/channels/connections', 201, { token: key, body: { channel: 'woocommerce', name: `bench ${round}`, credentials } })).json;
  if (connection.rulePack !== 'woocommerce') throw new Error(`the connection's default rule pack is ${connection.rulePack}`);
  const products = (query) => call(base, 'GET', `/api/v1/channels/connections/${connection.id}/products?limit=1&${query}`, 200, { token: key });
  const syncMs = await syncJob(base, key, connection.id);
  if ((await products('compliance=unchecked')).json.data.length) throw new Error('the sync left products unchecked');
  await call(base, 'PATCH', `/api/v1/channels/connections/${connection.id}`, 200, { token: key, body: { rulePack: 'amazon' } });
  const scanMs = await syncJob(base, key, connection.id);
  if (!(await products('compliance=failing')).json.data.length || !(await products('compliance=passing')).json.data.length) throw new Error('the amazon scan found no failing or no passing product');
  return { syncMs, scanMs };
}

const peakMemoryMb = (pid) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  if (!existsSync(MAIN)) throw new Error('dist/ is missing: run `npm run build` first (npm run bench:sync does)');
  const { WooCommerceStoreFake } = require(join(DIST, 'plugins/channels/woocommerce/fake.js'));
  const { WooCommerceChannel } = require(join(DIST, 'plugins/channels/woocommerce/woocommerce.channel.js'));
  const store = await new WooCommerceStoreFake().start();
  await store.resetCatalogue(Array.from({ length: PRODUCTS }, (_, i) => ({ title: `Product ${i}`, skus: [`SKU-${i}`], updatedAt: new Date('2024-01-01T00:00:00Z'), images: [i % 3 ? 'passing' : 'failing'] })));
  const credentials = store.demo().credentials;
  const dataDir = await mkdtemp(join(tmpdir(), 'darkroom-bench-sync-'));
  try {
    const key = await setUpApiKey((port) => start('setup', port, dataDir, 'info'), ['channels:read', 'channels:write', 'jobs:read']);
    const port = await freePort();
    const base = `http://${HOST}:${port}`;
    const server = start('darkroom', port, dataDir, 'warn');
    await waitReady(server, `${base}/readyz`);
    const plugin = new WooCommerceChannel({});
    const bare = [];
    const product = [];
    const scan = [];
    console.log(`${PRODUCTS} products, ${PAGE_SIZE} a page, ${ROUNDS} rounds, sides interleaved`);
    for (let round = 0; round < ROUNDS; round++) {
      const sides = [
        async () => {
          const started = performance.now();
          const count = await bareSync(plugin, credentials);
          if (count !== PRODUCTS) throw new Error(`the bare side listed ${count} products`);
          bare.push(performance.now() - started);
        },
        async () => {
          const { syncMs, scanMs } = await darkroomSync(base, key, credentials, round);
          product.push(syncMs);
          scan.push(scanMs);
        },
      ];
      for (const side of round % 2 ? sides.reverse() : sides) await side();
      console.log(`round ${round + 1}/${ROUNDS}: bare ${bare.at(-1).toFixed(0)} ms, darkroom sync with scan ${product.at(-1).toFixed(0)} ms, amazon-pack scan alone ${scan.at(-1).toFixed(0)} ms`);
    }
    const rate = (ms) => (PRODUCTS / ms) * 1000;
    console.log(`\nbare listProducts      ${rate(median(bare)).toFixed(0)} products/s (median ${median(bare).toFixed(0)} ms)`);
    console.log(`darkroom sync job      ${rate(median(product)).toFixed(0)} products/s with the scan against the default pack, woocommerce: header rules (median ${median(product).toFixed(0)} ms)`);
    console.log(`darkroom amazon scan   ${rate(median(scan)).toFixed(0)} images scanned/s against amazon's pixel rules (median ${median(scan).toFixed(0)} ms, one image a product)`);
    // What the store allows: the plugin's declared budget for listProducts, a page a call.
    const { channelMetadataOf } = require(join(DIST, 'src/plugins/channel-plugin.js'));
    const limit = channelMetadataOf(WooCommerceChannel).rateLimits.find((l) => !l.calls || l.calls.includes('listProducts'));
    const storeBound = limit.perSecond * PAGE_SIZE;
    console.log(`ratio: darkroom / bare = ${(rate(median(product)) / rate(median(bare))).toFixed(2)} against this fake, which sets no limit`);
    // Darkroom paces a connection's calls by the plugin's declared budget (burst, then perSecond), so
    // its sync can only come close to the store's limit from below, plus the burst's head start.
    console.log(`the store's own limit: ${limit.perSecond} calls/s (burst ${limit.burst}) x ${PAGE_SIZE} = ${storeBound} products/s; darkroom syncs at ${(rate(median(product)) / storeBound).toFixed(2)}x that, paced by it (aim: bound by the store, not by Darkroom: ${rate(median(product)) >= 0.9 * storeBound ? 'met' : 'NOT met'})`);
    console.log(`with amazon's pixel rules the scan runs at ${(rate(median(scan)) / storeBound).toFixed(1)}x the store's limit (bound by measuring on this machine's cores: ${rate(median(scan)) > storeBound ? 'still faster than the store' : 'slower than the store'})`);
    console.log(`server peak memory (VmHWM) ${peakMemoryMb(server.proc.pid).toFixed(0)} MB`);
    await server.stop();
  } finally {
    await store.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

guardRun(DEADLINE_MS, stopChildren);
main().then(
  () => process.exit(0),
  async (err) => {
    console.error(err);
    await stopChildren();
    process.exit(1);
  },
);
