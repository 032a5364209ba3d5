import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import sharp, { type Sharp } from 'sharp';
import type { ProviderErrorKind } from '../../../src/plugins';
import type { ProviderFake } from '../../../src/plugins/testing/describe-provider-contract';
// The fake server alone, not the testing index, which loads vitest: scripts/provider-fakes.ts runs the fakes on their own.
import { startFakeServer, type FakeRequest, type FakeResponse } from '../../../src/plugins/testing/fake-server';
import { failureResponse, invalidField, type OpenAIFailure } from './fake-errors';

/** The key the fake takes; any other is refused as OpenAI refuses a wrong key. */
export const FAKE_OPENAI_KEY = 'test-key';

/** The models the fake offers; another id answers 404 model_not_found, as for a retired model. */
const MODELS = ['gpt-image-1.5', 'gpt-image-1-mini', 'gpt-image-2', 'gpt-image-2-2026-04-21', 'chatgpt-image-latest'];
const SIZES = ['1024x1024', '1536x1024', '1024x1536'];
const FORMATS = ['png', 'jpeg', 'webp'];
/** The sources one edit takes: `image[]` parts beyond it are refused. */
const MAX_SOURCES = 16;

/** One images call as the fake read it: the fields, and for an edit its sources and mask. */
export interface FakeImagesCall {
  endpoint: 'generations' | 'edits';
  fields: Record<string, unknown>;
  sources: number;
  mask: boolean;
}

export interface OpenAIFake extends ProviderFake {
  /** Every request received, oldest first. */
  requests: FakeRequest[];
  /** Every images call that passed the key check, oldest first. */
  calls: FakeImagesCall[];
  /** The next request fails with this failure of OpenAI's. */
  failNextWith(failure: OpenAIFailure): void;
  /** The next request is answered only after this long (a slow generation). */
  delayNext(ms: number): void;
  /** Streams pause this long before each event from now on (0, the start, sends them at once): a slow streamed image. */
  pauseBetweenEvents(ms: number): void;
  /** The next stream sends its first partial image, then an `error` event with this failure's error instead of the image. */
  failStreamWith(failure: OpenAIFailure): void;
}

const KIND_FAILURES: Record<ProviderErrorKind, OpenAIFailure> = {
  transient: 'server_error',
  rate_limited: 'rate_limit',
  invalid_credentials: 'bad_key',
  quota_exhausted: 'quota',
  content_rejected: 'moderation',
  invalid_input: 'invalid_request',
  unavailable: 'model_not_found',
};

/**
 * OpenAI's Images API on 127.0.0.1, from its public reference: POST /v1/images/generations (JSON)
 * and /v1/images/edits (multipart: up to 16 `image` or `image[]` parts, and an optional `mask`, a
 * PNG the size of the first), answering base64 images of the asked size and format as the GPT image
 * models do, or with `stream: true` as server-sent events (`partial_images` partial images, then
 * the completed image with its usage);
 * GET /v1/models/{id}; OpenAI's own error bodies and headers, and x-request-id on every answer.
 */
export async function startOpenAIFake(): Promise<OpenAIFake> {
  let failure: OpenAIFailure | undefined;
  let delayMs = 0;
  let served = 0;
  const stream: StreamControls = { pauseMs: 0 };
  const calls: FakeImagesCall[] = [];

  const server = await startFakeServer(async (req) => {
    const requestId = `req_${(++served).toString(16).padStart(8, '0')}`;
    const wait = delayMs;
    delayMs = 0;
    if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
    const answer = await answerFor(req, requestId);
    return { ...answer, headers: { 'x-request-id': requestId, 'openai-processing-ms': '42', ...answer.headers } };
  });

  async function answerFor(req: FakeRequest, requestId: string): Promise<FakeResponse> {
    if (req.headers.authorization !== `Bearer ${FAKE_OPENAI_KEY}`) return failureResponse('bad_key', requestId);
    const pending = failure;
    failure = undefined;
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path.startsWith('/v1/models/')) {
      const id = decodeURIComponent(path.slice('/v1/models/'.length));
      return MODELS.includes(id) ? { body: { id, object: 'model', created: 1765843200, owned_by: 'system' } } : failureResponse('model_not_found', requestId, id);
    }
    if (req.method !== 'POST' || (path !== '/v1/images/generations' && path !== '/v1/images/edits')) {
      return { status: 404, body: { error: { message: `Invalid URL (${req.method} ${path})`, type: 'invalid_request_error', param: null, code: null } } };
    }
    const call = path.endsWith('edits') ? await readEdit(req) : { endpoint: 'generations' as const, fields: JSON.parse(req.body.toString()) as Record<string, unknown>, sources: 0, mask: false };
    calls.push(call);
    if (pending) return failureResponse(pending, requestId, String(call.fields.model));
    return imagesAnswer(call, requestId, stream);
  }

  return {
    url: `${server.url}/v1`,
    requests: server.requests,
    calls,
    failNext(kind) {
      failure = KIND_FAILURES[kind];
      return true;
    },
    failNextWith(next) {
      failure = next;
    },
    delayNext(ms) {
      delayMs = ms;
    },
    pauseBetweenEvents(ms) {
      stream.pauseMs = ms;
    },
    failStreamWith(next) {
      stream.failure = next;
    },
    close: () => server.close(),
  };
}

interface ReadEdit extends FakeImagesCall {
  files: { sources: Buffer[]; mask?: Buffer };
}

async function readEdit(req: FakeRequest): Promise<ReadEdit> {
  const form = await new Response(req.body, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
  const fields: Record<string, unknown> = {};
  const sources: Buffer[] = [];
  let mask: Buffer | undefined;
  for (const [name, value] of form) {
    if (typeof value === 'string') fields[name] = formValue(name, value);
    else if (name === 'image' || name === 'image[]') sources.push(Buffer.from(await value.arrayBuffer()));
    else if (name === 'mask') mask = Buffer.from(await value.arrayBuffer());
  }
  return { endpoint: 'edits', fields, sources: sources.length, mask: Boolean(mask), files: { sources, mask } };
}

/** A multipart field as the JSON body would carry it: the numbers and the stream flag typed. */
function formValue(name: string, value: string): unknown {
  if (name === 'n' || name === 'partial_images' || name === 'output_compression') return Number(value);
  if (name === 'stream') return value === 'true';
  return value;
}

/** How the fake's streams behave: the pause before each event, and a failure for the next one. */
interface StreamControls {
  pauseMs: number;
  failure?: OpenAIFailure;
}

/** Checks the fields as the API does, then renders n images, answered at once or streamed. */
async function imagesAnswer(call: FakeImagesCall, requestId: string, stream: StreamControls): Promise<FakeResponse> {
  const { fields } = call;
  const model = String(fields.model ?? 'gpt-image-1.5');
  if (!MODELS.includes(model)) return failureResponse('model_not_found', requestId, model);
  if (typeof fields.prompt !== 'string' || !fields.prompt) return invalidField('prompt', "Missing required parameter: 'prompt'.");
  const n = Number(fields.n ?? 1);
  if (!Number.isInteger(n) || n < 1 || n > 10) return invalidField('n', `Invalid 'n': integer above maximum value. Expected a value <= 10, but got ${n} instead.`);
  const size = String(fields.size ?? '1024x1024');
  if (!SIZES.includes(size)) return failureResponse('invalid_request', requestId);
  const format = String(fields.output_format ?? 'png');
  if (!FORMATS.includes(format)) return invalidField('output_format', `Invalid value: '${format}'. Supported values are: 'png', 'jpeg', and 'webp'.`);
  const background = String(fields.background ?? 'auto');
  if (background === 'transparent' && format === 'jpeg') return invalidField('background', 'Transparent background is not supported for the jpeg output format.');
  const compression = Number(fields.output_compression ?? 100);
  if (!Number.isInteger(compression) || compression < 0 || compression > 100) {
    return invalidField('output_compression', `Invalid 'output_compression': expected a value between 0 and 100, but got ${String(fields.output_compression)} instead.`);
  }
  if (compression < 100 && format === 'png') return invalidField('output_compression', 'Compression less than 100 is not supported for PNG output format.');
  const [width, height] = size.split('x').map(Number);
  let base: Sharp;
  if (call.endpoint === 'edits') {
    const { files } = call as ReadEdit;
    if (!files.sources.length) return invalidField('image', "Missing required parameter: 'image'.");
    if (files.sources.length > MAX_SOURCES) {
      return invalidField('image', `Invalid 'image': array too long. Expected an array with maximum length ${MAX_SOURCES}, but got an array with length ${files.sources.length} instead.`, 'array_above_max_length');
    }
    if (files.mask) {
      const [first, mask] = await Promise.all([sharp(files.sources[0]).metadata(), sharp(files.mask).metadata()]);
      if (mask.format !== 'png' || first.width !== mask.width || first.height !== mask.height) return invalidField('mask', 'Invalid mask image: the mask must be a PNG of the same size as the image.');
    }
    base = await editedImage(files, width, height, colourOf(fields.prompt));
  } else {
    base = sharp({ create: { width, height, channels: 4, background: { ...colourOf(fields.prompt), alpha: background === 'transparent' ? 0 : 1 } } });
  }
  const png = await base.png().toBuffer();
  // output_compression is the encoder's quality, as the smaller files it asks for show.
  const images = await Promise.all(Array.from({ length: n }, () => sharp(png).toFormat(format as 'png', format === 'png' ? {} : { quality: Math.max(1, compression) }).toBuffer()));
  const described = {
    background: background === 'transparent' ? 'transparent' : 'opaque',
    output_format: format,
    quality: String(fields.quality ?? 'medium'),
    size,
  };
  const usage = { input_tokens: 10 + 40 * call.sources, input_tokens_details: { image_tokens: 40 * call.sources, text_tokens: 10 }, output_tokens: 272 * n, total_tokens: 10 + 40 * call.sources + 272 * n };
  if (fields.stream === true) {
    const partials = Number(fields.partial_images ?? 0);
    if (!Number.isInteger(partials) || partials < 0 || partials > 3) return invalidField('partial_images', `Invalid 'partial_images': expected a value between 0 and 3, but got ${partials} instead.`);
    const failure = stream.failure;
    stream.failure = undefined;
    const blurred = await sharp(png).blur(20).toFormat(format as 'png').toBuffer();
    const events = streamEvents(call.endpoint === 'edits' ? 'image_edit' : 'image_generation', { partials, blurred, images, described, usage, failure, requestId });
    return { headers: { 'content-type': 'text/event-stream; charset=utf-8' }, body: Readable.from(paced(events, stream.pauseMs)) };
  }
  return { body: { created: Math.floor(Date.now() / 1000), ...described, data: images.map((image) => ({ b64_json: image.toString('base64') })), usage } };
}

interface StreamParts {
  partials: number;
  /** What a partial image looks like: the final image, blurred. */
  blurred: Buffer;
  images: Buffer[];
  described: Record<string, string>;
  usage: object;
  failure?: OpenAIFailure;
  requestId: string;
}

/** A stream's server-sent events: the partial images, then each image completed, or after the first partial an error. */
function* streamEvents(prefix: 'image_generation' | 'image_edit', parts: StreamParts): Generator<string> {
  const event = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const created_at = Math.floor(Date.now() / 1000);
  for (let index = 0; index < parts.partials; index++) {
    yield event(`${prefix}.partial_image`, { b64_json: parts.blurred.toString('base64'), partial_image_index: index, created_at, ...parts.described });
    if (parts.failure) break;
  }
  if (parts.failure) {
    yield event('error', failureResponse(parts.failure, parts.requestId).body as object);
    return;
  }
  for (const image of parts.images) yield event(`${prefix}.completed`, { b64_json: image.toString('base64'), created_at, ...parts.described, usage: parts.usage });
}

async function* paced(events: Iterable<string>, pauseMs: number): AsyncGenerator<string> {
  for (const event of events) {
    if (pauseMs) await sleep(pauseMs);
    yield event;
  }
}

/** The first source at the asked size, its masked (fully transparent) area painted in the prompt's colour. */
async function editedImage(files: ReadEdit['files'], width: number, height: number, colour: { r: number; g: number; b: number }): Promise<Sharp> {
  const source = await sharp(files.sources[0]).resize(width, height, { fit: 'fill' }).removeAlpha().png().toBuffer();
  if (!files.mask) return sharp(source);
  const editable = await sharp(files.mask).resize(width, height, { fit: 'fill' }).ensureAlpha().extractChannel(3).negate().toBuffer();
  const paint = await sharp({ create: { width, height, channels: 3, background: colour } }).joinChannel(editable).png().toBuffer();
  return sharp(source).composite([{ input: paint }]);
}

/** A colour picked from the prompt, so different prompts give different images. */
function colourOf(prompt: unknown): { r: number; g: number; b: number } {
  const [r, g, b] = createHash('sha256').update(String(prompt)).digest();
  return { r, g, b };
}
