import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import sharp from 'sharp';
import type { ProviderErrorKind } from '../../../src/plugins';
import type { ProviderFake } from '../../../src/plugins/testing/describe-provider-contract';
// The fake server and the MP4 maker alone, not the testing index, which loads vitest: scripts/provider-fakes.ts runs the fakes on their own.
import { startFakeServer, type FakeRequest, type FakeResponse } from '../../../src/plugins/testing/fake-server';
import { tinyMp4 } from '../../../src/plugins/testing/tiny-mp4';

/** Runway's secrets are `key_` and 128 hex characters. */
export const RUNWAY_SECRET = `key_${'0123456789abcdef'.repeat(8)}`;
/** An organisation whose balance is spent: every task is refused. */
export const BROKE_RUNWAY_SECRET = `key_${'fedcba9876543210'.repeat(8)}`;
export const RUNWAY_VERSION = '2024-11-06';

/** Runway's error body, `{error}` (docs.dev.runwayml.com/api-details/errors; the 401, 429 and 5xx wordings are not documented, NC). */
const refusal = (status: number, error: string, more: Record<string, unknown> = {}): FakeResponse => ({ status, body: { error, ...more } });
const invalid = (path: string, message: string) => refusal(400, 'Validation of body failed', { issues: [{ path: [path], message }] });

export const RUNWAY_ERRORS = {
  unauthorized: refusal(401, 'The API key you provided is incorrect.'),
  noCredits: refusal(400, 'You do not have enough credits to run this task.'),
  throttled: refusal(429, 'You have exceeded the number of requests allowed. Please try again later.'),
  sheddingLoad: refusal(503, 'Runway is temporarily unable to handle this request. Please try again later.'),
  badPrompt: invalid('promptText', 'Too big: expected string to have <=1000 characters'),
  unknownModel: invalid('model', 'Invalid option: expected one of "gen4.5"|"gen4_turbo"|"veo3.1"|"veo3.1_fast"'),
  noVersion: refusal(400, 'The X-Runway-Version header is missing or invalid.'),
  notFound: refusal(404, 'Not found'),
} satisfies Record<string, FakeResponse>;

const GEN4_RATIOS = ['1280:720', '720:1280', '1104:832', '832:1104', '960:960', '1584:672'];
const VEO_RATIOS = ['1280:720', '720:1280', '1920:1080', '1080:1920'];
const TWO_TO_TEN = [2, 3, 4, 5, 6, 7, 8, 9, 10];

/** What each model takes, from the SDK's types (4.20.1), and its price in credits a second (with audio, and without). */
const MODELS: Record<string, { text?: string[]; image: string[]; durations: number[]; credits: number; silentCredits?: number }> = {
  'gen4.5': { text: ['1280:720', '720:1280'], image: GEN4_RATIOS, durations: TWO_TO_TEN, credits: 12 },
  gen4_turbo: { image: GEN4_RATIOS, durations: TWO_TO_TEN, credits: 5 },
  'veo3.1': { text: VEO_RATIOS, image: VEO_RATIOS, durations: [4, 6, 8], credits: 40, silentCredits: 20 },
  'veo3.1_fast': { text: VEO_RATIOS, image: VEO_RATIOS, durations: [4, 6, 8], credits: 15, silentCredits: 10 },
};

export interface FakeTask {
  id: string;
  endpoint: 'text_to_video' | 'image_to_video';
  body: Record<string, unknown>;
  status: 'PENDING' | 'THROTTLED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
  credits: number;
  /** Questions it answers before it is done. */
  pollsLeft: number;
  failure?: { code: string; message: string };
  output?: string[];
}

export interface RunwayFake extends ProviderFake {
  requests: FakeRequest[];
  tasks: Map<string, FakeTask>;
  /** How many questions a task answers (THROTTLED, PENDING, then RUNNING with its progress) before it succeeds; 1 by default. */
  pollsBeforeDone: number;
  /** How long a create holds its answer, in ms: a slow API. */
  holdMs: number;
  /** The next task fails as Runway's do, with this failure code (`SAFETY.INPUT.TEXT`, `INTERNAL.BAD_OUTPUT.CODE01`). */
  failNextTask(code: string, message?: string): void;
  /** The next request is answered with this. */
  answerNext(response: FakeResponse): void;
}

/**
 * Runway's API on 127.0.0.1, from its reference and SDK: tasks started by POST /v1/text_to_video and
 * /v1/image_to_video (checked per model: ratio, duration, a first frame as a data URI), asked about
 * by GET /v1/tasks/{id} (PENDING or THROTTLED, RUNNING with progress, SUCCEEDED with links to small
 * MP4 files it serves, FAILED with a failure code), cancelled or deleted by DELETE, and GET
 * /v1/organization. Every call needs `X-Runway-Version: 2024-11-06`.
 */
export async function startRunwayFake(): Promise<RunwayFake> {
  const tasks = new Map<string, FakeTask>();
  const files = new Map<string, Buffer>();
  let next: FakeResponse | null = null;
  let failTask: FakeTask['failure'] | null = null;

  const fake: RunwayFake = {
    url: '',
    requests: [],
    tasks,
    pollsBeforeDone: 1,
    holdMs: 0,
    failNext: (kind: ProviderErrorKind) => {
      if (kind === 'content_rejected') failTask = { code: 'SAFETY.INPUT.TEXT', message: 'The prompt text did not pass content moderation.' };
      else next = { invalid_credentials: RUNWAY_ERRORS.unauthorized, quota_exhausted: RUNWAY_ERRORS.noCredits, rate_limited: RUNWAY_ERRORS.throttled, transient: RUNWAY_ERRORS.sheddingLoad, invalid_input: RUNWAY_ERRORS.badPrompt, unavailable: RUNWAY_ERRORS.unknownModel }[kind];
      return true;
    },
    failNextTask: (code, message = 'An unexpected error occurred.') => {
      failTask = { code, message };
    },
    answerNext: (response) => {
      next = response;
    },
    close: async () => undefined,
  };

  const view = (t: FakeTask) => {
    const base = { id: t.id, createdAt: new Date().toISOString() };
    switch (t.status) {
      case 'RUNNING':
        return { ...base, status: t.status, progress: 0.5, estimatedCost: { credits: t.credits } };
      case 'SUCCEEDED':
        return { ...base, status: t.status, output: t.output, cost: { credits: t.credits } };
      case 'FAILED':
        return { ...base, status: t.status, failure: t.failure!.message, failureCode: t.failure!.code, cost: { credits: 0 } };
      case 'CANCELLED':
        return { ...base, status: t.status, cost: { credits: 0 } };
      default:
        return { ...base, status: t.status, estimatedCost: { credits: t.credits } };
    }
  };

  const create = async (req: FakeRequest, endpoint: FakeTask['endpoint']): Promise<FakeResponse> => {
    const body = JSON.parse(req.body.toString() || '{}') as Record<string, unknown>;
    const problem = await checkBody(endpoint, body);
    if (problem) return problem;
    const model = MODELS[String(body.model)];
    const duration = Number(body.duration ?? model.durations[0]);
    const task: FakeTask = {
      id: randomUUID(), endpoint, body, status: 'PENDING', credits: duration * (body.audio === false && model.silentCredits ? model.silentCredits : model.credits),
      pollsLeft: fake.pollsBeforeDone, failure: failTask ?? undefined,
    };
    failTask = null;
    tasks.set(task.id, task);
    if (fake.holdMs) await delay(fake.holdMs);
    return { body: { id: task.id, estimatedCost: { credits: task.credits } } };
  };

  const advance = (t: FakeTask) => {
    if (t.status !== 'PENDING' && t.status !== 'THROTTLED' && t.status !== 'RUNNING') return;
    if (t.pollsLeft-- > 0) {
      t.status = t.pollsLeft === 0 ? 'RUNNING' : t.status === 'PENDING' ? 'THROTTLED' : 'PENDING';
      return;
    }
    if (t.failure) {
      t.status = 'FAILED';
      return;
    }
    const [width, height] = String(t.body.ratio).split(':').map(Number);
    const path = `/files/${t.id}.mp4`;
    files.set(path, tinyMp4(width, height, Number(t.body.duration ?? 5)));
    t.output = [`${server.url}${path}`];
    t.status = 'SUCCEEDED';
  };

  const server = await startFakeServer(async (req) => {
    const [path] = req.url.split('?');
    const file = files.get(path);
    // Runway's outputs are signed links on a CDN: no key asked.
    if (req.method === 'GET' && file) return { headers: { 'content-type': 'video/mp4' }, body: file };
    const secret = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (secret !== RUNWAY_SECRET && secret !== BROKE_RUNWAY_SECRET) return RUNWAY_ERRORS.unauthorized;
    if (req.headers['x-runway-version'] !== RUNWAY_VERSION) return RUNWAY_ERRORS.noVersion;
    if (next) {
      const answer = next;
      next = null;
      return answer;
    }
    if (req.method === 'GET' && path === '/v1/organization') {
      return { body: { creditBalance: secret === RUNWAY_SECRET ? 12_500 : 0, tier: { maxMonthlyCreditSpend: 100_000, models: {} }, usage: { models: {} } } };
    }
    if (req.method === 'POST' && (path === '/v1/text_to_video' || path === '/v1/image_to_video')) {
      return secret === BROKE_RUNWAY_SECRET ? RUNWAY_ERRORS.noCredits : create(req, path === '/v1/text_to_video' ? 'text_to_video' : 'image_to_video');
    }
    const found = /^\/v1\/tasks\/([\w-]+)$/.exec(path);
    const task = found && tasks.get(found[1]);
    if (!task) return RUNWAY_ERRORS.notFound;
    if (req.method === 'DELETE') {
      if (task.status === 'PENDING' || task.status === 'THROTTLED' || task.status === 'RUNNING') task.status = 'CANCELLED';
      else tasks.delete(task.id);
      return { status: 204 };
    }
    if (req.method !== 'GET') return refusal(405, 'Method not allowed');
    advance(task);
    return { body: view(task) };
  });
  return Object.assign(fake, { url: server.url, requests: server.requests, close: server.close });
}

/** What Runway's validation would refuse in a task's body, per model (the issue shapes are NC). */
async function checkBody(endpoint: FakeTask['endpoint'], body: Record<string, unknown>): Promise<FakeResponse | null> {
  const model = MODELS[String(body.model)];
  if (!model || (endpoint === 'text_to_video' && !model.text)) return RUNWAY_ERRORS.unknownModel;
  if (typeof body.promptText !== 'string' || (endpoint === 'text_to_video' && !body.promptText)) return invalid('promptText', 'Invalid input: expected string');
  if (body.promptText.length > 1000) return RUNWAY_ERRORS.badPrompt;
  const ratios = endpoint === 'text_to_video' ? model.text! : model.image;
  if (!ratios.includes(String(body.ratio))) return invalid('ratio', `Invalid option: expected one of ${ratios.map((r) => `"${r}"`).join('|')}`);
  if (body.duration !== undefined && !model.durations.includes(Number(body.duration))) return invalid('duration', `Invalid option: expected one of ${model.durations.join('|')}`);
  if (body.seed !== undefined && (!Number.isInteger(body.seed) || Number(body.seed) < 0 || Number(body.seed) > 4294967295)) return invalid('seed', 'Too big: expected number to be <=4294967295');
  if (endpoint === 'text_to_video') return body.promptImage === undefined ? null : invalid('promptImage', 'Unrecognized key: "promptImage"');
  const image = typeof body.promptImage === 'string' ? /^data:image\/(png|jpeg|webp);base64,(.+)$/.exec(body.promptImage) : null;
  if (!image) return invalid('promptImage', 'Invalid data URI.');
  const readable = await sharp(Buffer.from(image[2], 'base64')).metadata().then(() => true, () => false);
  return readable ? null : invalid('promptImage', 'Invalid data URI.');
}
