import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import sharp, { type Sharp } from 'sharp';
import type { ProviderErrorKind } from '../../../src/plugins';
import type { ProviderFake } from '../../../src/plugins/testing/describe-provider-contract';
// The fake server alone, not the testing index, which loads vitest: scripts/provider-fakes.ts runs the fakes on their own.
import { startFakeServer, type FakeRequest, type FakeResponse } from '../../../src/plugins/testing/fake-server';

/** The key the fake accepts. */
export const BFL_KEY = 'bfl_fake_test_key_0001';
/** A key whose account has no credits left: every submit is refused with 402. */
export const BFL_BROKE_KEY = 'bfl_fake_broke_key_0002';

/** How long a sample's signed link works (BFL: 10 minutes). */
const SAMPLE_LIFETIME_MS = 10 * 60_000;

/** BFL's answers (docs.bfl.ai/api_integration/errors; FastAPI bodies; the wording of 402 and 403 is NC). */
export const BFL_ERRORS = {
  unauthenticated: { status: 403, body: { detail: 'Not authenticated - Invalid Authentication' } },
  noCredits: { status: 402, body: { detail: 'Insufficient credits. Add credits at https://dashboard.bfl.ai' } },
  rateLimited: {
    status: 429,
    headers: { 'retry-after': '5', 'x-ratelimit-limit': '24', 'x-ratelimit-remaining': '0' },
    body: { error: 'rate_limit_exceeded', message: 'Too many concurrent requests', retry_after: 5 },
  },
  invalidInput: { status: 422, body: { detail: [{ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required', input: {} }] } },
  notFound: { status: 404, body: { detail: 'Not Found' } },
  internal: { status: 500, body: { detail: 'Internal Server Error' } },
} satisfies Record<string, FakeResponse>;

/** What a task ends as, besides Ready. */
export type BflTaskEnd = 'Request Moderated' | 'Content Moderated' | 'Error' | 'Task not found';

/** The sizes each ratio renders at, per endpoint that takes a ratio. */
const RATIO_SIZES: Record<string, Record<string, [number, number]>> = {
  'flux-pro-1.1-ultra': { '1:1': [2048, 2048], '16:9': [2752, 1536], '9:16': [1536, 2752] },
  'flux-kontext-pro': { '1:1': [1024, 1024], '16:9': [1392, 752], '9:16': [752, 1392] },
  'flux-kontext-max': { '1:1': [1024, 1024], '16:9': [1392, 752], '9:16': [752, 1392] },
};
/** Endpoints taking width and height: 256 to 1440, multiples of 32 (FLUX.1), or of 16 up to 4 MP (FLUX.2). */
const DIMENSION_ENDPOINTS: Record<string, { min: number; max: number; step: number }> = {
  'flux-pro-1.1': { min: 256, max: 1440, step: 32 },
  'flux-dev': { min: 256, max: 1440, step: 32 },
  'flux-2-pro': { min: 64, max: 2048, step: 16 },
};
/** The image fields each editing endpoint reads: Kontext one source, FLUX.2 up to eight, fill an image and its mask. */
const IMAGE_FIELDS: Record<string, string[]> = {
  'flux-kontext-pro': ['input_image'],
  'flux-kontext-max': ['input_image'],
  'flux-2-pro': ['input_image', ...[2, 3, 4, 5, 6, 7, 8].map((i) => `input_image_${i}`)],
  'flux-pro-1.0-fill': ['image', 'mask'],
};
/** Where the fill endpoint paints what its mask (white) or its image's transparent pixels mark. */
export const BFL_FILL_COLOUR = { r: 40, g: 200, b: 120 };

interface FakeTask {
  id: string;
  endpoint: string;
  input: Record<string, unknown>;
  key: string;
  /** Polls answered Pending before it ends. */
  pollsLeft: number;
  end: BflTaskEnd | null;
  sample?: { path: string; data: Buffer; mimeType: string; expiresAt: number };
}

export interface BflFake extends ProviderFake {
  requests: FakeRequest[];
  tasks: Map<string, FakeTask>;
  /** Polls a task answers Pending (with progress) before it ends; default 1. */
  pollsBeforeDone: number;
  /** How long a submit holds its answer, in ms: a slow API. */
  holdMs: number;
  /** Where polling URLs point: the region that holds the tasks (default `<url>/eu1`, a region's path on the fake). */
  pollingBase: string;
  /** Makes the next task end as this instead of Ready. */
  failNextTask(end: BflTaskEnd): void;
  /** The next request is answered with this. */
  answerNext(response: FakeResponse): void;
  /** Moves the fake's clock on (samples' links expire after 10 minutes). */
  advanceClock(ms: number): void;
}

/**
 * BFL's FLUX API on 127.0.0.1, from its reference: `x-key` checked on every call; `POST
 * /v1/<endpoint>` answers `{id, polling_url}` with the polling URL on a region (`/eu1/...`; the
 * global `/v1/get_result` does not know the region's tasks, so a plugin must follow the URL);
 * get_result answers Pending (with progress), then Ready with a signed sample link that expires
 * after 10 minutes of the fake's clock, or a moderation or error status; `GET /v1/credits`. Edits
 * read their image fields (Kontext's `input_image`, FLUX.2's up to `input_image_8`, fill's `image`
 * and a `mask` of its size, white where it paints).
 */
export async function startBflFake(): Promise<BflFake> {
  const tasks = new Map<string, FakeTask>();
  let next: FakeResponse | null = null;
  let nextEnd: BflTaskEnd | null = null;
  let clockOffset = 0;
  const now = () => Date.now() + clockOffset;

  const fake: BflFake = {
    url: '',
    requests: [],
    tasks,
    pollsBeforeDone: 1,
    holdMs: 0,
    pollingBase: '',
    failNext: (kind: ProviderErrorKind) => {
      if (kind === 'content_rejected') nextEnd = 'Request Moderated';
      else next = { invalid_credentials: BFL_ERRORS.unauthenticated, quota_exhausted: BFL_ERRORS.noCredits, rate_limited: BFL_ERRORS.rateLimited, transient: BFL_ERRORS.internal, invalid_input: BFL_ERRORS.invalidInput, unavailable: BFL_ERRORS.notFound }[kind];
      return true;
    },
    failNextTask: (end) => {
      nextEnd = end;
    },
    answerNext: (response) => {
      next = response;
    },
    advanceClock: (ms) => {
      clockOffset += ms;
    },
    close: async () => undefined,
  };

  const submit = async (endpoint: string, key: string, req: FakeRequest): Promise<FakeResponse> => {
    const input = JSON.parse(req.body.toString() || '{}') as Record<string, unknown>;
    const problems = await validate(endpoint, input);
    if (problems.length) return { status: 422, body: { detail: problems } };
    if (fake.holdMs) await delay(fake.holdMs);
    const task: FakeTask = { id: randomUUID(), endpoint, input, key, pollsLeft: fake.pollsBeforeDone, end: nextEnd };
    nextEnd = null;
    tasks.set(task.id, task);
    return { body: { id: task.id, polling_url: `${fake.pollingBase}/v1/get_result?id=${task.id}`, cost: priceOf(endpoint) } };
  };

  const result = async (id: string, key: string): Promise<FakeResponse> => {
    const task = tasks.get(id);
    if (!task || task.key !== key || task.end === 'Task not found') return { body: { id, status: 'Task not found' } };
    if (task.pollsLeft > 0) {
      task.pollsLeft -= 1;
      return { body: { id, status: 'Pending', result: null, progress: 0.5, details: null } };
    }
    if (task.end === 'Request Moderated' || task.end === 'Content Moderated') {
      return { body: { id, status: task.end, result: null, progress: null, details: { 'Moderation Reasons': ['Derivative Works'] } } };
    }
    if (task.end === 'Error') return { body: { id, status: 'Error', result: null, progress: null, details: 'Internal Error' } };
    task.sample ??= await render(task, now() + SAMPLE_LIFETIME_MS);
    return { body: { id, status: 'Ready', result: { sample: `${server.url}${task.sample.path}?se=${task.sample.expiresAt}`, prompt: task.input.prompt, seed: task.input.seed ?? 1 }, progress: null, details: null } };
  };

  const server = await startFakeServer(async (req) => {
    const url = new URL(req.url, 'http://fake');
    const sample = [...tasks.values()].find((t) => t.sample?.path === url.pathname)?.sample;
    if (req.method === 'GET' && sample) {
      if (now() > sample.expiresAt) return { status: 403, headers: { 'content-type': 'application/xml' }, body: '<Error><Code>AuthenticationFailed</Code></Error>' };
      return { headers: { 'content-type': sample.mimeType }, body: sample.data };
    }
    const key = String(req.headers['x-key'] ?? '');
    if (key !== BFL_KEY && key !== BFL_BROKE_KEY) return BFL_ERRORS.unauthenticated;
    if (next) {
      const answer = next;
      next = null;
      return answer;
    }
    if (req.method === 'GET' && url.pathname === '/v1/credits') return { body: { credits: key === BFL_BROKE_KEY ? 0 : 1234.5 } };
    // The global endpoint does not know a region's tasks; the region's path does.
    if (req.method === 'GET' && url.pathname === '/v1/get_result') return { body: { id: url.searchParams.get('id'), status: 'Task not found' } };
    if (req.method === 'GET' && url.pathname === `${new URL(fake.pollingBase).pathname}/v1/get_result`) return result(url.searchParams.get('id') ?? '', key);
    const endpoint = /^\/v1\/([\w.-]+)$/.exec(url.pathname)?.[1];
    if (req.method === 'POST' && endpoint && (endpoint in DIMENSION_ENDPOINTS || endpoint in RATIO_SIZES || endpoint in IMAGE_FIELDS)) {
      return key === BFL_BROKE_KEY ? BFL_ERRORS.noCredits : submit(endpoint, key, req);
    }
    return BFL_ERRORS.notFound;
  });
  return Object.assign(fake, { url: server.url, requests: server.requests, pollingBase: `${server.url}/eu1`, close: server.close });
}

type Problem = { type: string; loc: string[]; msg: string };

/** FastAPI-style problems with a task's inputs. */
async function validate(endpoint: string, input: Record<string, unknown>): Promise<Problem[]> {
  const problems: Problem[] = [];
  if (typeof input.prompt !== 'string') problems.push({ type: 'missing', loc: ['body', 'prompt'], msg: 'Field required' });
  if (input.output_format !== undefined && input.output_format !== 'jpeg' && input.output_format !== 'png') {
    problems.push({ type: 'enum', loc: ['body', 'output_format'], msg: "Input should be 'jpeg' or 'png'" });
  }
  const bounds = DIMENSION_ENDPOINTS[endpoint];
  for (const side of bounds ? ['width', 'height'] : []) {
    const value = input[side];
    if (value !== undefined && (typeof value !== 'number' || value < bounds.min || value > bounds.max || value % bounds.step !== 0)) {
      problems.push({ type: 'value_error', loc: ['body', side], msg: `Value error, ${side} must be a multiple of ${bounds.step} from ${bounds.min} to ${bounds.max}` });
    }
  }
  const ratios = RATIO_SIZES[endpoint];
  if (ratios && input.aspect_ratio !== undefined && !ratios[String(input.aspect_ratio)]) {
    problems.push({ type: 'value_error', loc: ['body', 'aspect_ratio'], msg: 'Value error, aspect ratio not supported' });
  }
  return [...problems, ...(await imageProblems(endpoint, input))];
}

/**
 * The endpoint's image fields: the first required, each a base64 image, and a fill's mask the size
 * of its image (BFL checks that the two match).
 */
async function imageProblems(endpoint: string, input: Record<string, unknown>): Promise<Problem[]> {
  const fields = IMAGE_FIELDS[endpoint] ?? [];
  if (fields.length && typeof input[fields[0]] !== 'string') return [{ type: 'missing', loc: ['body', fields[0]], msg: 'Field required' }];
  const problems: Problem[] = [];
  const sizes = new Map<string, string>();
  for (const field of fields.filter((f) => input[f] !== undefined)) {
    const value = input[field];
    const meta = typeof value === 'string' ? await sharp(Buffer.from(value, 'base64')).metadata().catch(() => null) : null;
    if (meta) sizes.set(field, `${meta.width}x${meta.height}`);
    else problems.push({ type: 'value_error', loc: ['body', field], msg: `Value error, ${field} must be a base64-encoded image` });
  }
  if (sizes.has('mask') && sizes.get('mask') !== sizes.get('image')) {
    problems.push({ type: 'value_error', loc: ['body', 'mask'], msg: `Value error, the mask (${sizes.get('mask')}) must have the image's dimensions (${sizes.get('image')})` });
  }
  return problems;
}

/** BFL's list price in its credits (1 credit = $0.01). */
function priceOf(endpoint: string): number {
  return ({ 'flux-pro-1.1-ultra': 6, 'flux-dev': 2.5, 'flux-kontext-max': 8, 'flux-pro-1.0-fill': 5 } as Record<string, number>)[endpoint] ?? 4;
}

/** A plain image of the task's size and format, its first source stretched to it, or a fill's image with its area painted. */
async function render(task: FakeTask, expiresAt: number): Promise<NonNullable<FakeTask['sample']>> {
  const { input, endpoint } = task;
  const format = input.output_format === 'png' ? 'png' : 'jpeg';
  const image = typeof input.image === 'string' ? await fill(Buffer.from(input.image, 'base64'), typeof input.mask === 'string' ? Buffer.from(input.mask, 'base64') : undefined) : await drawn(endpoint, input);
  const extension = format === 'png' ? 'png' : 'jpg';
  return { path: `/delivery/eu1/${task.id}/sample.${extension}`, data: await image.toFormat(format).toBuffer(), mimeType: `image/${format}`, expiresAt };
}

async function drawn(endpoint: string, input: Record<string, unknown>): Promise<Sharp> {
  const [width, height] = RATIO_SIZES[endpoint]
    ? RATIO_SIZES[endpoint][String(input.aspect_ratio ?? '1:1')]
    : [Number(input.width ?? 1024), Number(input.height ?? 768)];
  return typeof input.input_image === 'string'
    ? sharp(Buffer.from(input.input_image, 'base64')).resize(width, height, { fit: 'fill' })
    : sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } });
}

/** The fill endpoint's answer, at its image's size: the mask's white (its first channel) painted, else the image's transparent pixels. */
async function fill(image: Buffer, mask?: Buffer): Promise<Sharp> {
  if (!mask) return sharp(image).flatten({ background: BFL_FILL_COLOUR });
  const { width, height } = await sharp(image).metadata();
  const weight = await sharp(mask).extractChannel(0).raw().toBuffer();
  const paint = await sharp({ create: { width: width!, height: height!, channels: 3, background: BFL_FILL_COLOUR } })
    .joinChannel(weight, { raw: { width: width!, height: height!, channels: 1 } }).png().toBuffer();
  return sharp(await sharp(image).removeAlpha().composite([{ input: paint }]).png().toBuffer());
}
