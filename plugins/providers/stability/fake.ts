import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import sharp from 'sharp';
import type { ProviderErrorKind } from '../../../src/plugins';
import type { ProviderFake } from '../../../src/plugins/testing/describe-provider-contract';
// The fake server alone, not the testing index, which loads vitest: scripts/provider-fakes.ts runs the fakes on their own.
import { startFakeServer, type FakeRequest, type FakeResponse } from '../../../src/plugins/testing/fake-server';

export const STABILITY_KEY = 'sk-test-0123456789';

/** Stability's error envelope: `{id, name, errors: [..]}`. */
const refusal = (status: number, name: string, message: string, headers?: Record<string, string>): FakeResponse =>
  ({ status, headers, body: { id: randomBytes(16).toString('hex'), name, errors: [message] } });

/** The failures the real API answers, by its own names (401 and 402 bodies are not documented: same envelope). */
export const STABILITY_FAILURES = {
  unauthorized: refusal(401, 'unauthorized', 'authorization: invalid or missing API key'),
  payment_required: refusal(402, 'payment_required', 'You lack sufficient credits to make this request. Please purchase more credits and try again.'),
  bad_request: refusal(400, 'bad_request', 'prompt: cannot be empty'),
  content_moderation: refusal(403, 'content_moderation', 'Your request was flagged by our content moderation system, as a result your request was denied and you were not charged.'),
  payload_too_large: refusal(413, 'payload_too_large', 'body: payloads cannot be larger than 10MiB in size'),
  public_figure: refusal(422, 'public_figure', 'Our system detected the likeness of a public figure in your image. To comply with our guidelines, this request cannot be processed.'),
  invalid_language: refusal(422, 'invalid_language', 'English is the only supported language for this service.'),
  rate_limit_exceeded: refusal(429, 'rate_limit_exceeded', 'You have exceeded the rate limit of 150 requests within a 10 second period, and have been timed out for 60 seconds.'),
  internal_error: refusal(500, 'internal_error', 'An unexpected server error has occurred, please try again later.'),
} satisfies Record<string, FakeResponse>;

export type StabilityFailure = keyof typeof STABILITY_FAILURES | 'content_filtered';

const KIND_FAILURES: Partial<Record<ProviderErrorKind, StabilityFailure>> = {
  invalid_credentials: 'unauthorized',
  quota_exhausted: 'payment_required',
  rate_limited: 'rate_limit_exceeded',
  transient: 'internal_error',
  content_rejected: 'content_moderation',
  invalid_input: 'bad_request',
};

/** The sizes each aspect ratio renders at. */
const RATIO_SIZES: Record<string, [number, number]> = {
  '1:1': [1024, 1024], '16:9': [1344, 768], '21:9': [1536, 640], '3:2': [1216, 832], '5:4': [1088, 896],
  '4:5': [896, 1088], '2:3': [832, 1216], '9:16': [768, 1344], '9:21': [640, 1536],
};
const SD3_MODELS = ['sd3.5-large', 'sd3.5-large-turbo', 'sd3.5-medium', 'sd3.5-flash'];
/** The colour the fake renders (and repaints) with. */
const PAINT = '#3a6ea5';

/** A source image as the edits and upscalers receive it. */
interface Source {
  data: Buffer;
  width: number;
  height: number;
}

interface CreativeResult {
  image: Buffer;
  format: string;
  seed: number;
  polls: number;
  expired: boolean;
}

export interface StabilityFake extends ProviderFake {
  requests: FakeRequest[];
  /** Answers the next request as the real API fails (or, `content_filtered`, with a blurred 200). */
  failNextWith(failure: StabilityFailure | FakeResponse): void;
  /** Creative results answer 202 in-progress this many times before the image (default 1). */
  pollsBeforeDone: number;
  /** Every POST waits this long before answering: the real services send nothing until done. */
  delayMs: number;
  /** Creative upscales started, by id: tests expire them (the real API keeps a result 24 hours). */
  results: Map<string, CreativeResult>;
}

/**
 * Stable Image v2beta on 127.0.0.1, from Stability's OpenAPI reference: multipart POSTs only, the
 * generate, edit and upscale services answering images (raw bytes with finish-reason and seed
 * headers for `accept: image/*`, JSON with base64 otherwise), the creative upscaler's id and its
 * polled result, the balance, and the API's own error bodies.
 */
export async function startStabilityFake(): Promise<StabilityFake> {
  let next: StabilityFailure | FakeResponse | null = null;
  const fake: StabilityFake = {
    url: '', requests: [], pollsBeforeDone: 1, delayMs: 0, results: new Map(),
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
    if (req.headers.authorization !== `Bearer ${STABILITY_KEY}`) return STABILITY_FAILURES.unauthorized;
    const failure = next;
    next = null;
    if (failure && failure !== 'content_filtered') return typeof failure === 'string' ? STABILITY_FAILURES[failure] : failure;
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === '/v1/user/balance') return { body: { credits: 42.5 } };
    const result = /^\/v2beta\/results\/(\w+)$/.exec(path);
    if (req.method === 'GET' && result) return poll(fake, result[1], req);
    const service = /^\/v2beta\/stable-image\/([\w-]+\/[\w-]+)$/.exec(path);
    if (req.method !== 'POST' || !service) return refusal(404, 'not_found', `${req.method} ${path}: no such route`);
    if (!String(req.headers['content-type'] ?? '').startsWith('multipart/form-data')) {
      return refusal(400, 'bad_request', req.headers['content-type'] ? 'content-type: must be multipart/form-data' : 'content-type: required');
    }
    if (req.body.length > 10 * 1024 * 1024) return STABILITY_FAILURES.payload_too_large;
    await delay(fake.delayMs);
    const form = await new Response(req.body, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
    const rendered = await render(service[1], form);
    if (typeof rendered === 'string') return refusal(400, 'bad_request', rendered);
    if (service[1] === 'upscale/creative') {
      const id = randomBytes(32).toString('hex');
      fake.results.set(id, { ...rendered, polls: 0, expired: false });
      return { body: { id } };
    }
    return answer(rendered, req, failure === 'content_filtered');
  });
  return Object.assign(fake, { url: server.url, requests: server.requests, close: server.close });
}

async function poll(fake: StabilityFake, id: string, req: FakeRequest): Promise<FakeResponse> {
  const found = fake.results.get(id);
  if (!found || found.expired) return refusal(404, 'generation_not_found', `id: no generation found for ${id}`);
  if (found.polls++ < fake.pollsBeforeDone) return { status: 202, body: { id, status: 'in-progress' } };
  return answer(found, req, false);
}

function answer(image: { image: Buffer; format: string; seed: number }, req: FakeRequest, filtered: boolean): FakeResponse {
  const finishReason = filtered ? 'CONTENT_FILTERED' : 'SUCCESS';
  if (String(req.headers.accept ?? '').includes('application/json')) {
    return { headers: { 'content-type': `application/json; type=image/${image.format}` }, body: { image: image.image.toString('base64'), seed: image.seed, finish_reason: finishReason } };
  }
  return { headers: { 'content-type': `image/${image.format}`, 'finish-reason': finishReason, seed: String(image.seed), 'x-request-id': randomUUID() }, body: image.image };
}

/** What a service makes of its form: an image, or the reason the real API refuses it. */
async function render(service: string, form: FormData): Promise<{ image: Buffer; format: string; seed: number } | string> {
  const text = (name: string) => (typeof form.get(name) === 'string' ? (form.get(name) as string) : undefined);
  const format = text('output_format') ?? 'png';
  const formats = service === 'generate/sd3' ? ['png', 'jpeg'] : service === 'edit/remove-background' ? ['png', 'webp'] : ['png', 'jpeg', 'webp'];
  if (!formats.includes(format)) return `output_format: must be one of ${formats.join(', ')}`;
  const seed = Number(text('seed') ?? 0) || Math.floor(Math.random() * 4294967294) + 1;
  const prompt = text('prompt');
  const needsPrompt = !['edit/erase', 'edit/remove-background', 'upscale/fast'].includes(service);
  if (needsPrompt && (!prompt || prompt.length > 10000)) return 'prompt: must be between 1 and 10000 characters';
  let source: Source | undefined;
  if (!service.startsWith('generate/')) {
    const file = form.get('image');
    if (!(file instanceof Blob)) return 'image: required';
    const data = Buffer.from(await file.arrayBuffer());
    const meta = await sharp(data).metadata().catch(() => null);
    if (!meta?.width || !meta.height) return 'image: could not be decoded';
    source = { data, width: meta.width, height: meta.height };
    if (Math.min(source.width, source.height) < 64 && service !== 'upscale/fast') return 'image: each side must be at least 64 pixels';
  }
  let size: [number, number];
  switch (service) {
    case 'generate/core':
    case 'generate/ultra':
    case 'generate/sd3': {
      const ratio = text('aspect_ratio') ?? '1:1';
      if (!RATIO_SIZES[ratio]) return `aspect_ratio: must be one of ${Object.keys(RATIO_SIZES).join(', ')}`;
      if (service === 'generate/sd3' && !SD3_MODELS.includes(text('model') ?? 'sd3.5-large')) return `model: must be one of ${SD3_MODELS.join(', ')}`;
      size = RATIO_SIZES[ratio];
      break;
    }
    case 'edit/search-and-replace': {
      const search = text('search_prompt');
      if (!search) return 'search_prompt: required';
      if (search.length > 10000) return 'search_prompt: must be at most 10000 characters';
      const { width, height } = source!;
      if (width * height > 9_437_184 || Math.max(width / height, height / width) > 2.5) {
        return 'image: must be at most 9,437,184 pixels, with an aspect ratio between 1:2.5 and 2.5:1';
      }
      size = [width, height];
      break;
    }
    case 'edit/inpaint':
    case 'edit/erase':
    case 'edit/remove-background':
      size = [source!.width, source!.height];
      break;
    case 'edit/outpaint': {
      const [left, right, up, down] = ['left', 'right', 'up', 'down'].map((d) => Number(text(d) ?? 0));
      if ([left, right, up, down].some((d) => !(d >= 0 && d <= 2000))) return 'left, right, up, down: must be between 0 and 2000';
      size = [source!.width + left + right, source!.height + up + down];
      break;
    }
    case 'upscale/fast':
      if (source!.width * source!.height < 1024 || source!.width * source!.height > 1_048_576) return 'image: must be between 1,024 and 1,048,576 pixels';
      size = [source!.width * 4, source!.height * 4];
      break;
    case 'upscale/creative':
      if (source!.width * source!.height > 1_048_576) return 'image: must be at most 1,048,576 pixels';
      size = [source!.width * 4, source!.height * 4];
      break;
    default:
      return `${service}: not a service this fake serves`;
  }
  if (['edit/inpaint', 'edit/erase', 'edit/search-and-replace'].includes(service)) {
    const grow = Number(text('grow_mask') ?? 3);
    if (!(grow >= 0 && grow <= 20)) return 'grow_mask: must be between 0 and 20';
    const area = service === 'edit/search-and-replace' ? await foundArea(source!, grow) : await maskedArea(source!, form.get('mask'));
    return typeof area === 'string' ? area : { image: await repainted(source!, area, format), format, seed };
  }
  const transparent = service === 'edit/remove-background';
  const image = await sharp({ create: { width: size[0], height: size[1], channels: 4, background: transparent ? { r: 40, g: 90, b: 160, alpha: 0 } : PAINT } })
    .toFormat(format as 'png' | 'jpeg' | 'webp')
    .toBuffer();
  return { image, format, seed };
}

/** Inpaint, erase and search-and-replace: the source with an area (a grayscale image, white changes) painted over. */
async function repainted(source: Source, area: Buffer, format: string): Promise<Buffer> {
  const paint = await sharp({ create: { width: source.width, height: source.height, channels: 3, background: PAINT } }).joinChannel(area).png().toBuffer();
  return sharp(source.data).removeAlpha().composite([{ input: paint }]).toFormat(format as 'png' | 'jpeg' | 'webp').toBuffer();
}

/**
 * Inpaint and erase change the `mask` part's white (black keeps; resized to the source when it
 * differs, as the reference says), or without one the source's transparent pixels.
 */
async function maskedArea(source: Source, mask: ReturnType<FormData['get']>): Promise<Buffer | string> {
  if (!(mask instanceof Blob)) return sharp(source.data).ensureAlpha().extractChannel(3).negate().png().toBuffer();
  const data = Buffer.from(await mask.arrayBuffer());
  if (!(await sharp(data).metadata().catch(() => null))?.width) return 'mask: could not be decoded';
  return sharp(data).removeAlpha().greyscale().resize(source.width, source.height, { fit: 'fill' }).png().toBuffer();
}

/**
 * What search-and-replace "finds": the fake cannot see, so whatever `search_prompt` names is the
 * middle of the source (half of each side, centred), grown by `grow_mask` pixels on every side.
 */
async function foundArea(source: Source, grow: number): Promise<Buffer> {
  const { width, height } = source;
  const left = Math.max(0, Math.round(width / 4) - grow);
  const top = Math.max(0, Math.round(height / 4) - grow);
  const found = { width: Math.min(width - left, Math.round(width / 2) + 2 * grow), height: Math.min(height - top, Math.round(height / 2) + 2 * grow) };
  const white = await sharp({ create: { ...found, channels: 3, background: '#ffffff' } }).png().toBuffer();
  const area = await sharp({ create: { width, height, channels: 3, background: '#000000' } }).composite([{ input: white, left, top }]).png().toBuffer();
  return sharp(area).extractChannel(0).png().toBuffer();
}
