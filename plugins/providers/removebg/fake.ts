import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import sharp from 'sharp';
import type { ProviderErrorKind } from '../../../src/plugins';
import type { ProviderFake } from '../../../src/plugins/testing/describe-provider-contract';
// The fake server alone, not the testing index, which loads vitest: scripts/provider-fakes.ts runs the fakes on their own.
import { startFakeServer, type FakeRequest, type FakeResponse } from '../../../src/plugins/testing/fake-server';

export const REMOVEBG_KEY = 'rbg-test-key-0123456789ab';

/** remove.bg's error envelope: `{errors: [{title, code?, detail?}]}`. */
const refusal = (status: number, title: string, code?: string, headers?: Record<string, string>): FakeResponse =>
  ({ status, headers, body: { errors: [{ title, ...(code ? { code } : {}) }] } });

/** The failures the real API answers (none is charged); the rate-limit headers are not in remove.bg's OpenAPI document. */
export const REMOVEBG_FAILURES = {
  missing_key: refusal(403, 'Missing API Key'),
  auth_failed: refusal(403, 'API Key invalid', 'auth_failed'),
  insufficient_credits: refusal(402, 'Insufficient credits', 'insufficient_credits'),
  unknown_foreground: refusal(400, 'Could not identify foreground in image. For details and recommendations see https://www.remove.bg/supported-images.', 'unknown_foreground'),
  file_too_large: refusal(400, 'File too large: up to 12 MB can be uploaded', 'file_too_large'),
  rate_limit_exceeded: refusal(429, 'Rate limit exceeded', 'rate_limit_exceeded', { 'retry-after': '1', 'x-ratelimit-limit': '500', 'x-ratelimit-remaining': '0' }),
  internal_error: refusal(500, 'Internal server error'),
} satisfies Record<string, FakeResponse>;

export type RemoveBgFailure = keyof typeof REMOVEBG_FAILURES;

const KIND_FAILURES: Partial<Record<ProviderErrorKind, RemoveBgFailure>> = {
  invalid_credentials: 'auth_failed',
  quota_exhausted: 'insufficient_credits',
  rate_limited: 'rate_limit_exceeded',
  invalid_input: 'unknown_foreground',
  transient: 'internal_error',
};

const SIZES: Record<string, 'preview' | 'full' | 'auto'> = { auto: 'auto', preview: 'preview', small: 'preview', regular: 'preview', full: 'full', medium: 'full', hd: 'full', '4k': 'full' };
const TYPES = ['auto', 'person', 'product', 'car'];
const PREVIEW_PIXELS = 250_000;

export interface RemoveBgFake extends ProviderFake {
  requests: FakeRequest[];
  /** Answers the next request as the real API fails. */
  failNextWith(failure: RemoveBgFailure | FakeResponse): void;
  /** Every cut-out waits this long before answering: the real service sends nothing until done. */
  delayMs: number;
  /** The account's credits, spent as X-Credits-Charged says; at 0 a cut-out is 402. */
  credits: number;
}

/**
 * remove.bg's API v1.0 on 127.0.0.1, from its OpenAPI document: POST /removebg taking a multipart,
 * JSON or url-encoded body with exactly one source, answering the cut-out as PNG bytes (or, asked
 * for JSON, base64) with X-Credits-Charged, X-Width, X-Height and X-Type; GET /account; and the
 * API's own error bodies. The cut-out keeps the source's middle and makes its border transparent.
 */
export async function startRemoveBgFake(): Promise<RemoveBgFake> {
  let next: RemoveBgFailure | FakeResponse | null = null;
  const fake: RemoveBgFake = {
    url: '', requests: [], delayMs: 0, credits: 100,
    failNext: (kind) => {
      const failure = KIND_FAILURES[kind];
      if (failure) next = failure;
      return failure !== undefined;
    },
    failNextWith: (failure) => {
      next = failure;
    },
    close: async () => undefined,
  };

  const server = await startFakeServer(async (req) => {
    const key = req.headers['x-api-key'];
    if (!key) return REMOVEBG_FAILURES.missing_key;
    if (key !== REMOVEBG_KEY) return REMOVEBG_FAILURES.auth_failed;
    const failure = next;
    next = null;
    if (failure === 'rate_limit_exceeded') return withReset(REMOVEBG_FAILURES.rate_limit_exceeded);
    if (failure) return typeof failure === 'string' ? REMOVEBG_FAILURES[failure] : failure;
    const path = req.url.split('?')[0].replace(/^\/v1\.0/, '');
    if (req.method === 'GET' && path === '/account') {
      return { body: { data: { attributes: { credits: { total: fake.credits, subscription: fake.credits, payg: 0, enterprise: 0 }, api: { free_calls: 50, sizes: 'all' } } } } };
    }
    if (req.method !== 'POST' || path !== '/removebg') return refusal(404, 'Not found');
    const fields = await fieldsOf(req);
    if (typeof fields === 'string') return refusal(400, fields);
    await delay(fake.delayMs);
    const cut = await cutOut(fields);
    if (typeof cut === 'string') return refusal(400, cut, cut.split(':')[0]);
    if (fake.credits < cut.credits) return REMOVEBG_FAILURES.insufficient_credits;
    fake.credits -= cut.credits;
    const headers = { 'x-credits-charged': String(cut.credits), 'x-width': String(cut.width), 'x-height': String(cut.height), 'x-type': cut.type, 'x-request-id': randomUUID() };
    if (String(req.headers.accept ?? '').includes('application/json')) return { headers, body: { data: { result_b64: cut.image.toString('base64'), foreground_type: cut.type } } };
    return { headers: { ...headers, 'content-type': 'image/png' }, body: cut.image };
  });
  return Object.assign(fake, { url: `${server.url}/v1.0`, requests: server.requests, close: server.close });
}

/** A 429 says when the window resets, as a Unix time in seconds. */
function withReset(response: FakeResponse): FakeResponse {
  return { ...response, headers: { ...response.headers, 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) } };
}

type Fields = Record<string, string | Buffer>;

/** The body's fields, whichever encoding it came in, the file as bytes. */
async function fieldsOf(req: FakeRequest): Promise<Fields | string> {
  const type = String(req.headers['content-type'] ?? '');
  if (type.startsWith('application/json')) {
    try {
      return JSON.parse(req.body.toString()) as Fields;
    } catch {
      return 'Invalid JSON body';
    }
  }
  if (!type.startsWith('multipart/form-data') && !type.startsWith('application/x-www-form-urlencoded')) return 'Unsupported content type';
  const form = await new Response(req.body, { headers: { 'content-type': type } }).formData();
  const fields: Fields = {};
  for (const [name, value] of form.entries()) fields[name] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
  return fields;
}

/** The cut-out a request asks for, or why the real API refuses it (its code first). */
async function cutOut(fields: Fields): Promise<{ image: Buffer; width: number; height: number; type: string; credits: number } | string> {
  const sources = ['image_file', 'image_file_b64', 'image_url'].filter((s) => fields[s] !== undefined);
  if (!sources.length) return 'missing_source: No image given';
  if (sources.length > 1) return 'multiple_sources: Multiple image sources given: please specify only one';
  if (sources[0] === 'image_url') return 'invalid_image_url: This fake does not download images';
  const data = sources[0] === 'image_file' ? (fields.image_file as Buffer) : Buffer.from(String(fields.image_file_b64), 'base64');
  if (data.length > 12 * 1024 * 1024) return 'file_too_large: File too large: up to 12 MB can be uploaded';
  const size = SIZES[String(fields.size ?? 'preview')];
  if (!size) return `invalid_size: size must be one of ${Object.keys(SIZES).join(', ')}`;
  const type = String(fields.type ?? 'auto');
  if (!TYPES.includes(type)) return `invalid_type: type must be one of ${TYPES.join(', ')}`;
  const format = String(fields.format ?? 'auto');
  if (!['auto', 'png'].includes(format)) return `invalid_format: this fake answers png (asked ${format})`;
  const meta = await sharp(data).metadata().catch(() => null);
  if (!meta?.width || !meta.height) return 'invalid_file_type: Invalid file type: JPG, PNG and WebP are supported';
  const preview = size === 'preview' || meta.width * meta.height <= PREVIEW_PIXELS;
  const scale = preview ? Math.min(1, Math.sqrt(PREVIEW_PIXELS / (meta.width * meta.height))) : 1;
  const width = Math.max(1, Math.floor(meta.width * scale));
  const height = Math.max(1, Math.floor(meta.height * scale));
  // The middle half of each side is the foreground; the rest, the background, is made transparent.
  const mask = Buffer.alloc(width * height);
  for (let y = Math.floor(height / 4); y < Math.ceil((height * 3) / 4); y++) mask.fill(255, y * width + Math.floor(width / 4), y * width + Math.ceil((width * 3) / 4));
  const rgb = await sharp(data).resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  const image = await sharp(rgb, { raw: { width, height, channels: 3 } }).joinChannel(mask, { raw: { width, height, channels: 1 } }).png().toBuffer();
  return { image, width, height, type: type === 'auto' ? 'product' : type, credits: preview ? 0.25 : 1 };
}
