import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { ProviderErrorKind } from '../../../src/plugins';
import type { ProviderFake } from '../../../src/plugins/testing/describe-provider-contract';
// The fake server and the MP4 maker alone, not the testing index, which loads vitest: scripts/provider-fakes.ts runs the fakes on their own.
import { startFakeServer, type FakeRequest, type FakeResponse } from '../../../src/plugins/testing/fake-server';
import { tinyMp4 } from '../../../src/plugins/testing/tiny-mp4';

export const LUMA_KEY = 'luma-fake-0123456789abcdef';
/** An account whose credits are spent: every generation is refused. */
export const BROKE_LUMA_KEY = 'luma-fake-broke-fedcba9876';

/**
 * Luma's error answers. Its API reference documents none of them (NC): the bodies follow the
 * FastAPI shapes its API answers with, `{detail: "..."}` and, for validation, `{detail: [{loc, msg, type}]}`.
 */
const refusal = (status: number, detail: unknown): FakeResponse => ({ status, body: { detail } });
const invalid = (field: string, msg: string) => refusal(422, [{ loc: ['body', field], msg, type: 'value_error' }]);

export const LUMA_ERRORS = {
  unauthorized: refusal(401, 'Invalid API key'),
  noCredits: refusal(402, 'Insufficient credits. Please add credits to your account to continue.'),
  throttled: refusal(429, 'Too many requests, please slow down.'),
  serverError: refusal(500, 'Internal server error'),
  badPrompt: invalid('prompt', 'String should have at least 1 character'),
  unknownModel: invalid('model', "Input should be 'ray-2', 'ray-flash-2' or 'ray-1-6'"),
  notFound: refusal(404, 'Generation not found'),
} satisfies Record<string, FakeResponse>;

/** The reason Luma's moderation fails a generation with (seen in clients' logs; NC). */
export const MODERATION_FAILURE = '400: prompt not allowed because advanced moderation failed';

const MODELS = ['ray-2', 'ray-flash-2', 'ray-1-6'];
const ASPECT_RATIOS = ['1:1', '16:9', '9:16', '4:3', '3:4', '21:9', '9:21'];
const DURATIONS = ['5s', '9s'];
const RESOLUTIONS: Record<string, number> = { '540p': 540, '720p': 720, '1080p': 1080, '4k': 2160 };

interface FakeGeneration {
  id: string;
  state: 'queued' | 'dreaming' | 'completed' | 'failed';
  request: Record<string, unknown>;
  created_at: string;
  failure_reason: string | null;
  video: string | null;
  /** Questions it answers before it is done. */
  pollsLeft: number;
  failWith: string | null;
}

export interface LumaFake extends ProviderFake {
  requests: FakeRequest[];
  generations: Map<string, FakeGeneration>;
  /** How many questions a generation answers `dreaming` before it completes; 1 by default. */
  pollsBeforeDone: number;
  /** How long a create holds its answer, in ms: a slow API. */
  holdMs: number;
  /** The next generation fails with this `failure_reason`. */
  failNextGeneration(reason: string): void;
  /** The next request is answered with this. */
  answerNext(response: FakeResponse): void;
}

/**
 * Luma Dream Machine's API on 127.0.0.1 (under /dream-machine/v1, as the real one), from the SDK
 * (lumaai 1.19.1) and its reference: POST /generations/video (checked: model, aspect ratio,
 * duration, resolution, a first frame as an https URL), GET /generations/{id} (queued, dreaming,
 * completed with a link to a small MP4 it serves, failed with a `failure_reason`), DELETE
 * /generations/{id}, GET /credits and GET /ping.
 */
export async function startLumaFake(): Promise<LumaFake> {
  const generations = new Map<string, FakeGeneration>();
  const files = new Map<string, Buffer>();
  let next: FakeResponse | null = null;
  let failGeneration: string | null = null;

  const fake: LumaFake = {
    url: '',
    requests: [],
    generations,
    pollsBeforeDone: 1,
    holdMs: 0,
    failNext: (kind: ProviderErrorKind) => {
      if (kind === 'content_rejected') failGeneration = MODERATION_FAILURE;
      else next = { invalid_credentials: LUMA_ERRORS.unauthorized, quota_exhausted: LUMA_ERRORS.noCredits, rate_limited: LUMA_ERRORS.throttled, transient: LUMA_ERRORS.serverError, invalid_input: LUMA_ERRORS.badPrompt, unavailable: LUMA_ERRORS.unknownModel }[kind];
      return true;
    },
    failNextGeneration: (reason) => {
      failGeneration = reason;
    },
    answerNext: (response) => {
      next = response;
    },
    close: async () => undefined,
  };

  const view = (g: FakeGeneration) => ({
    id: g.id, generation_type: 'video', state: g.state, failure_reason: g.failure_reason, created_at: g.created_at, model: g.request.model, request: g.request,
    assets: g.state === 'completed' ? { video: g.video, image: null, progress_video: null } : null,
  });

  const create = async (req: FakeRequest): Promise<FakeResponse> => {
    const body = JSON.parse(req.body.toString() || '{}') as Record<string, unknown>;
    const problem = checkBody(body);
    if (problem) return problem;
    const g: FakeGeneration = {
      id: randomUUID(), state: 'queued', request: { generation_type: 'video', ...body }, created_at: new Date().toISOString(),
      failure_reason: null, video: null, pollsLeft: fake.pollsBeforeDone, failWith: failGeneration,
    };
    failGeneration = null;
    generations.set(g.id, g);
    if (fake.holdMs) await delay(fake.holdMs);
    return { status: 201, body: view(g) };
  };

  const advance = (g: FakeGeneration) => {
    if (g.state !== 'queued' && g.state !== 'dreaming') return;
    if (g.pollsLeft-- > 0) {
      g.state = 'dreaming';
      return;
    }
    if (g.failWith) {
      g.state = 'failed';
      g.failure_reason = g.failWith;
      return;
    }
    const [width, height] = sizeOf(g.request);
    const path = `/files/${g.id}.mp4`;
    files.set(path, tinyMp4(width, height, Number.parseInt(String(g.request.duration ?? '5s'), 10)));
    g.video = `${server.url}${path}`;
    g.state = 'completed';
  };

  const server = await startFakeServer(async (req) => {
    const [fullPath] = req.url.split('?');
    const file = files.get(fullPath);
    // Luma's videos are on its CDN: no key asked.
    if (req.method === 'GET' && file) return { headers: { 'content-type': 'video/mp4' }, body: file };
    if (!fullPath.startsWith('/dream-machine/v1/')) return LUMA_ERRORS.notFound;
    const path = fullPath.slice('/dream-machine/v1'.length);
    const key = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (key !== LUMA_KEY && key !== BROKE_LUMA_KEY) return LUMA_ERRORS.unauthorized;
    if (next) {
      const answer = next;
      next = null;
      return answer;
    }
    if (req.method === 'GET' && path === '/ping') return { body: { message: 'pong' } };
    if (req.method === 'GET' && path === '/credits') return { body: { credit_balance: key === LUMA_KEY ? 2_500 : 0 } };
    if (req.method === 'POST' && (path === '/generations/video' || path === '/generations')) return key === BROKE_LUMA_KEY ? LUMA_ERRORS.noCredits : create(req);
    const found = /^\/generations\/([\w-]+)$/.exec(path);
    const g = found && generations.get(found[1]);
    if (!g) return LUMA_ERRORS.notFound;
    if (req.method === 'DELETE') {
      generations.delete(g.id);
      return { status: 204 };
    }
    if (req.method !== 'GET') return refusal(405, 'Method Not Allowed');
    advance(g);
    return { body: view(g) };
  });
  return Object.assign(fake, { url: `${server.url}/dream-machine/v1`, requests: server.requests, close: server.close });
}

function checkBody(body: Record<string, unknown>): FakeResponse | null {
  if (!MODELS.includes(String(body.model))) return LUMA_ERRORS.unknownModel;
  if (typeof body.prompt !== 'string' || !body.prompt) return LUMA_ERRORS.badPrompt;
  if (body.aspect_ratio !== undefined && !ASPECT_RATIOS.includes(String(body.aspect_ratio))) return invalid('aspect_ratio', `Input should be ${ASPECT_RATIOS.map((r) => `'${r}'`).join(', ')}`);
  if (body.duration !== undefined && !DURATIONS.includes(String(body.duration))) return invalid('duration', "Input should be '5s' or '9s'");
  if (body.resolution !== undefined && !(String(body.resolution) in RESOLUTIONS)) return invalid('resolution', "Input should be '540p', '720p', '1080p' or '4k'");
  const frame0 = (body.keyframes as { frame0?: { type?: string; url?: string } } | undefined)?.frame0;
  if (frame0?.type === 'image' && !/^https:\/\//.test(frame0.url ?? '')) return refusal(400, 'keyframes.frame0.url must be a public https URL');
  return null;
}

/** The pixels a generation renders: its resolution's short side on the aspect ratio's. */
function sizeOf(request: Record<string, unknown>): [number, number] {
  const short = RESOLUTIONS[String(request.resolution ?? '720p')];
  const [w, h] = String(request.aspect_ratio ?? '16:9').split(':').map(Number);
  const even = (n: number) => Math.round(n / 2) * 2;
  return w >= h ? [even((short * w) / h), short] : [short, even((short * h) / w)];
}
