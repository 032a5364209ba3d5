// The baseline for bench/me-vs-bare.mjs: plain Fastify, logger off, one route answering GET /api/v1/me
// with the same body Darkroom returned for the benchmark's API key. The body is parsed and returned as
// an object so Fastify serialises it on every request, as Darkroom does.
//
// Env: PORT (required), BARE_PAYLOAD_FILE (JSON file holding the body; required).
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const port = Number(process.env.PORT);
const payloadFile = process.env.BARE_PAYLOAD_FILE;
if (!Number.isInteger(port) || port <= 0 || !payloadFile) {
  console.error('bare-server: set PORT and BARE_PAYLOAD_FILE');
  process.exit(1);
}
const payload = JSON.parse(readFileSync(payloadFile, 'utf8'));

const app = Fastify({ logger: false });
app.get('/api/v1/me', async () => payload);

const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);

await app.listen({ port, host: '127.0.0.1' });
