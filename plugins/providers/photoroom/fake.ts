import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import sharp from 'sharp';
import type { ProviderErrorKind } from '../../../src/plugins';
import type { ProviderFake } from '../../../src/plugins/testing/describe-provider-contract';
// The fake server alone, not the testing index, which loads vitest: scripts/provider-fakes.ts runs the fakes on their own.
import { startFakeServer, type FakeRequest, type FakeResponse } from '../../../src/plugins/testing/fake-server';

export const PHOTOROOM_KEY = 'pr-test-key-0123456789abcdef';

/** The Basic API's error envelope: `{detail, status_code, type}`. */
const refusal = (status: number, detail: string, type: string, headers?: Record<string, string>): FakeResponse =>
  ({ status, headers, body: { detail, status_code: status, type } });

/** The failures the real API answers; the 403 and 429 bodies and the Retry-After are not in Photoroom's reference (same envelope assumed). */
export const PHOTOROOM_FAILURES = {
  forbidden: refusal(403, 'Invalid API key', 'forbidden'),
  payment_required: refusal(402, 'API credits exhausted. Please upgrade your plan or buy more credits.', 'payment_required'),
  missing_image: refusal(400, 'image_file is required', 'missing_image'),
  rate_limited: refusal(429, 'Too many requests', 'rate_limited', { 'retry-after': '2' }),
  internal_error: refusal(500, 'Internal server error', 'internal_error'),
} satisfies Record<string, FakeResponse>;

export type PhotoroomFailure = keyof typeof PHOTOROOM_FAILURES;

const KIND_FAILURES: Partial<Record<ProviderErrorKind, PhotoroomFailure>> = {
  invalid_credentials: 'forbidden',
  quota_exhausted: 'payment_required',
  invalid_input: 'missing_image',
  rate_limited: 'rate_limited',
  transient: 'internal_error',
};

/** The most pixels each `size` answers. */
const SIZE_PIXELS: Record<string, number> = { preview: 250_000, medium: 1_500_000, hd: 4_000_000, full: 36_000_000 };
const FORMATS: Record<string, 'png' | 'jpeg' | 'webp'> = { png: 'png', jpg: 'jpeg', webp: 'webp' };
const COLOUR_NAMES: Record<string, string> = { white: '#ffffff', black: '#000000', red: '#ff0000', green: '#008000', blue: '#0000ff' };

export interface PhotoroomFake extends ProviderFake {
  requests: FakeRequest[];
  /** Answers the next request as the real API fails. */
  failNextWith(failure: PhotoroomFailure | FakeResponse): void;
  /** Every segmentation waits this long before answering: the real service sends nothing until done. */
  delayMs: number;
  /** Images the account has left; at 0 a segmentation is 402. */
  imagesLeft: number;
}

/**
 * Photoroom on 127.0.0.1, from its API reference: the Basic API's POST /v1/segment (multipart
 * image_file, format png|jpg|webp, channels rgba|alpha, bg_color, size) answering the image's bytes
 * with x-uncertainty-score, GET /v2/account (the account host's, served here too) and the API's own
 * error bodies. The cut-out keeps the source's middle and makes its border the background.
 */
export async function startPhotoroomFake(): Promise<PhotoroomFake> {
  let next: PhotoroomFailure | FakeResponse | null = null;
  const fake: PhotoroomFake = {
    url: '', requests: [], delayMs: 0, imagesLeft: 100,
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
    if (req.headers['x-api-key'] !== PHOTOROOM_KEY) return PHOTOROOM_FAILURES.forbidden;
    const failure = next;
    next = null;
    if (failure) return typeof failure === 'string' ? PHOTOROOM_FAILURES[failure] : failure;
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === '/v2/account') return { body: { images: { available: fake.imagesLeft, subscription: 1000 } } };
    if (req.method !== 'POST' || path !== '/v1/segment') return refusal(404, 'Not Found', 'not_found');
    if (!String(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) return refusal(400, 'Expected a multipart/form-data body', 'invalid_request');
    await delay(fake.delayMs);
    const form = await new Response(req.body, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
    const cut = await segment(form);
    if (typeof cut === 'string') return refusal(400, cut.split(': ')[1], cut.split(': ')[0]);
    if (fake.imagesLeft < 1) return PHOTOROOM_FAILURES.payment_required;
    fake.imagesLeft -= 1;
    return { headers: { 'content-type': `image/${cut.format}`, 'x-uncertainty-score': '0.12', 'x-request-id': randomUUID() }, body: cut.image };
  });
  return Object.assign(fake, { url: server.url, requests: server.requests, close: server.close });
}

/** The segmentation a form asks for, or why the real API refuses it (its type first). */
async function segment(form: FormData): Promise<{ image: Buffer; format: string } | string> {
  const text = (name: string) => (typeof form.get(name) === 'string' ? (form.get(name) as string) : undefined);
  const file = form.get('image_file');
  if (!(file instanceof Blob)) return 'missing_image: image_file is required';
  const format = FORMATS[text('format') ?? 'png'];
  if (!format) return 'invalid_format: format must be one of png, jpg, webp';
  const channels = text('channels') ?? 'rgba';
  if (!['rgba', 'alpha'].includes(channels)) return 'invalid_channels: channels must be rgba or alpha';
  const maxPixels = SIZE_PIXELS[text('size') ?? 'full'];
  if (!maxPixels) return `invalid_size: size must be one of ${Object.keys(SIZE_PIXELS).join(', ')}`;
  const bgColor = text('bg_color');
  const background = bgColor === undefined ? undefined : COLOUR_NAMES[bgColor.toLowerCase()] ?? (/^#?[0-9a-fA-F]{6}$/.test(bgColor) ? `#${bgColor.replace('#', '')}` : null);
  if (background === null) return 'invalid_bg_color: bg_color must be a hex colour or a colour name';
  const data = Buffer.from(await file.arrayBuffer());
  const meta = await sharp(data).metadata().catch(() => null);
  if (!meta?.width || !meta.height) return 'invalid_image: the image could not be decoded';
  const scale = Math.min(1, Math.sqrt(maxPixels / (meta.width * meta.height)));
  const width = Math.max(1, Math.floor(meta.width * scale));
  const height = Math.max(1, Math.floor(meta.height * scale));
  // The middle half of each side is the product; the rest is the background, made transparent.
  const mask = Buffer.alloc(width * height);
  for (let y = Math.floor(height / 4); y < Math.ceil((height * 3) / 4); y++) mask.fill(255, y * width + Math.floor(width / 4), y * width + Math.ceil((width * 3) / 4));
  const raw = { raw: { width, height, channels: 1 as const } };
  if (channels === 'alpha') return { image: await sharp(mask, raw).toFormat(format).toBuffer(), format };
  const rgb = await sharp(data).resize(width, height, { fit: 'fill' }).removeAlpha().raw().toBuffer();
  let cut = sharp(await sharp(rgb, { raw: { width, height, channels: 3 } }).joinChannel(mask, raw).png().toBuffer());
  // JPEG has no alpha: without a colour, the background is white.
  if (background || format === 'jpeg') cut = cut.flatten({ background: background ?? '#ffffff' });
  return { image: await cut.toFormat(format).toBuffer(), format };
}
