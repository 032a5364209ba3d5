import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { errors, jwtVerify } from 'jose';
import sharp from 'sharp';
import type { ProviderErrorKind } from '../../../src/plugins';
import type { ProviderFake } from '../../../src/plugins/testing/describe-provider-contract';
// The fake server alone, not the testing index, which loads vitest: scripts/provider-fakes.ts runs the fakes on their own.
import { startFakeServer, type FakeRequest, type FakeResponse } from '../../../src/plugins/testing/fake-server';

/** The key pair the fake accepts. */
export const KLING_ACCESS_KEY = 'ak_fake_kling_0001';
export const KLING_SECRET_KEY = 'sk_fake_kling_secret_0001';
/** A key pair whose resource pack is used up: every submit is refused with 429, code 1102. */
export const KLING_BROKE_ACCESS_KEY = 'ak_fake_kling_broke_0002';
export const KLING_BROKE_SECRET_KEY = 'sk_fake_kling_secret_broke_0002';
const SECRETS: Record<string, string> = { [KLING_ACCESS_KEY]: KLING_SECRET_KEY, [KLING_BROKE_ACCESS_KEY]: KLING_BROKE_SECRET_KEY };

/** Kling's envelope for a refusal, with its HTTP status (the code table of Kling's "General Information" page; wording NC). */
const refusal = (status: number, code: number, message: string): FakeResponse => ({ status, body: { code, message, request_id: randomUUID() } });

export const KLING_ERRORS = {
  authEmpty: refusal(401, 1001, 'Authorization is empty'),
  authInvalid: refusal(401, 1002, 'Authorization is invalid'),
  authNotYetValid: refusal(401, 1003, 'Authorization is not yet valid'),
  authExpired: refusal(401, 1004, 'Authorization has expired'),
  arrears: refusal(429, 1101, 'Account in arrears'),
  packDepleted: refusal(429, 1102, 'Resource pack depleted or expired'),
  invalidParams: refusal(400, 1201, 'Invalid parameters, please check the request'),
  modelNotFound: refusal(404, 1203, 'The requested model is not supported'),
  contentPolicy: refusal(400, 1301, 'Trigger the content security policy of the platform'),
  tooFast: refusal(429, 1302, 'The API request is too fast, please slow down'),
  concurrency: refusal(429, 1303, 'Concurrency or QPS exceeds the resource pack limit'),
  internal: refusal(500, 5000, 'Server internal error'),
} satisfies Record<string, FakeResponse>;

/** What a failed task says when risk control refuses its output. */
export const RISK_CONTROL_FAILURE = 'Failure to pass the risk control system';

/** The pixels each ratio renders at: 1K images, 720p (std) and 1080p (pro) videos (NC). */
const IMAGE_SIZES: Record<string, [number, number]> = { '1:1': [1024, 1024], '16:9': [1344, 768], '9:16': [768, 1344], '4:3': [1152, 864], '3:4': [864, 1152] };
const MODELS = { image: ['kling-v1', 'kling-v1-5', 'kling-v2'], video: ['kling-v1', 'kling-v1-6', 'kling-v2-master', 'kling-v2-1'] };
type Kind = 'image' | 'text2video' | 'image2video';

/** A few bytes that start as an MP4 does (an ftyp box): what the fake serves as a video. */
const FAKE_MP4 = Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypmp42\0\0\0\0mp42isom'), Buffer.alloc(64)]);

interface FakeTask {
  id: string;
  kind: Kind;
  accessKey: string;
  body: Record<string, unknown>;
  status: 'submitted' | 'processing' | 'succeed' | 'failed';
  statusMessage: string;
  pollsLeft: number;
  failure: string | null;
  createdAt: number;
  result?: { images?: Array<{ index: number; url: string }>; videos?: Array<{ id: string; url: string; duration: string }> };
}

export interface KlingFake extends ProviderFake {
  requests: FakeRequest[];
  tasks: Map<string, FakeTask>;
  /** Polls a task answers `processing` before it ends; default 1. */
  pollsBeforeDone: number;
  /** How long a submit holds its answer, in ms: a slow API. */
  holdMs: number;
  /** Makes the next task fail with this `task_status_msg`. */
  failNextTask(message: string): void;
  /** The next request (after its token is checked) is answered with this. */
  answerNext(response: FakeResponse): void;
}

/**
 * Kling's API on 127.0.0.1, from its reference: every request's JWT verified (HS256 with the secret
 * of its `iss`, `exp` and `nbf` checked: 401 with codes 1001 to 1004); the `{code, message,
 * request_id, data}` envelope; image tasks (`/v1/images/generations`), text-to-video and
 * image-to-video tasks (`/v1/videos/{kind}`), each submitted -> processing -> succeed | failed
 * (`task_status_msg`), with links to real images of the asked ratio and MP4-looking videos; the task
 * list; 429 with code 1102 for a depleted resource pack.
 */
export async function startKlingFake(): Promise<KlingFake> {
  const tasks = new Map<string, FakeTask>();
  const files = new Map<string, { data: Buffer; mimeType: string }>();
  let next: FakeResponse | null = null;
  let nextFailure: string | null = null;

  const fake: KlingFake = {
    url: '',
    requests: [],
    tasks,
    pollsBeforeDone: 1,
    holdMs: 0,
    failNext: (kind: ProviderErrorKind) => {
      next = { invalid_credentials: KLING_ERRORS.authInvalid, quota_exhausted: KLING_ERRORS.packDepleted, rate_limited: KLING_ERRORS.tooFast, transient: KLING_ERRORS.internal, content_rejected: KLING_ERRORS.contentPolicy, invalid_input: KLING_ERRORS.invalidParams, unavailable: KLING_ERRORS.modelNotFound }[kind];
      return true;
    },
    failNextTask: (message) => {
      nextFailure = message;
    },
    answerNext: (response) => {
      next = response;
    },
    close: async () => undefined,
  };

  const ok = (data: unknown): FakeResponse => ({ body: { code: 0, message: 'SUCCEED', request_id: randomUUID(), data } });
  const json = (t: FakeTask) => ({
    task_id: t.id, task_status: t.status, task_status_msg: t.statusMessage, created_at: t.createdAt, updated_at: Date.now(),
    ...(t.result ? { task_result: t.result } : {}),
  });

  const submit = async (kind: Kind, accessKey: string, req: FakeRequest): Promise<FakeResponse> => {
    const body = JSON.parse(req.body.toString() || '{}') as Record<string, unknown>;
    const model = String(body.model_name ?? 'kling-v1');
    if (!(kind === 'image' ? MODELS.image : MODELS.video).includes(model)) return KLING_ERRORS.modelNotFound;
    const problem = invalid(kind, body);
    if (problem) return refusal(400, 1201, problem);
    if (fake.holdMs) await delay(fake.holdMs);
    const task: FakeTask = {
      id: String(Date.now()) + String(tasks.size).padStart(6, '0'), kind, accessKey, body, status: 'submitted', statusMessage: '',
      pollsLeft: fake.pollsBeforeDone, failure: nextFailure, createdAt: Date.now(),
    };
    nextFailure = null;
    tasks.set(task.id, task);
    return ok(json(task));
  };

  const finish = async (task: FakeTask) => {
    if (task.failure) {
      Object.assign(task, { status: 'failed', statusMessage: task.failure });
      return;
    }
    if (task.kind === 'image') {
      const [width, height] = IMAGE_SIZES[String(task.body.aspect_ratio ?? '1:1')];
      const images = await Promise.all(Array.from({ length: Number(task.body.n ?? 1) }, async (_, index) => {
        const path = `/kcdn/${task.id}-${index}.png`;
        files.set(path, { data: await sharp({ create: { width, height, channels: 3, background: { r: 30, g: 140 + 10 * index, b: 90 } } }).png().toBuffer(), mimeType: 'image/png' });
        return { index, url: `${server.url}${path}` };
      }));
      task.result = { images };
    } else {
      const path = `/kcdn/${task.id}.mp4`;
      files.set(path, { data: FAKE_MP4, mimeType: 'video/mp4' });
      task.result = { videos: [{ id: randomUUID(), url: `${server.url}${path}`, duration: `${task.body.duration ?? '5'}.1` }] };
    }
    task.status = 'succeed';
  };

  const query = async (kind: Kind, id: string, accessKey: string): Promise<FakeResponse> => {
    const task = tasks.get(id);
    if (!task || task.kind !== kind || task.accessKey !== accessKey) return refusal(404, 1203, 'The task does not exist');
    if (task.status === 'submitted' || task.status === 'processing') {
      if (task.pollsLeft-- > 0) task.status = 'processing';
      else await finish(task);
    }
    return ok(json(task));
  };

  const server = await startFakeServer(async (req) => {
    const url = new URL(req.url, 'http://fake');
    const file = files.get(url.pathname);
    if (req.method === 'GET' && file) return { headers: { 'content-type': file.mimeType }, body: file.data };
    const auth = await authenticate(String(req.headers.authorization ?? ''));
    if (!('accessKey' in auth)) return auth;
    if (next) {
      const answer = next;
      next = null;
      return answer;
    }
    const broke = auth.accessKey === KLING_BROKE_ACCESS_KEY;
    const path = url.pathname;
    if (req.method === 'GET' && path === '/v1/images/generations') {
      const mine = [...tasks.values()].filter((t) => t.kind === 'image' && t.accessKey === auth.accessKey).reverse();
      const size = Number(url.searchParams.get('pageSize') ?? 30);
      return ok(mine.slice(0, size).map(json));
    }
    const submitted = req.method === 'POST' && { '/v1/images/generations': 'image', '/v1/videos/text2video': 'text2video', '/v1/videos/image2video': 'image2video' }[path];
    if (submitted) return broke ? KLING_ERRORS.packDepleted : submit(submitted as Kind, auth.accessKey, req);
    const asked = req.method === 'GET' && (/^\/v1\/images\/generations\/(\w+)$/.exec(path) ?? /^\/v1\/videos\/(text2video|image2video)\/(\w+)$/.exec(path));
    if (asked) return asked.length === 2 ? query('image', asked[1], auth.accessKey) : query(asked[1] as Kind, asked[2], auth.accessKey);
    return refusal(404, 1202, 'Invalid request method or path');
  });
  return Object.assign(fake, { url: server.url, requests: server.requests, close: server.close });
}

/** The access key a request's token was signed for, or Kling's 401 answer. */
async function authenticate(header: string): Promise<{ accessKey: string } | FakeResponse> {
  const token = /^Bearer (\S+)$/.exec(header)?.[1];
  if (!token) return KLING_ERRORS.authEmpty;
  const [, payload] = token.split('.');
  let issuer: unknown;
  try {
    issuer = (JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as { iss?: unknown }).iss;
  } catch {
    return KLING_ERRORS.authInvalid;
  }
  const secret = typeof issuer === 'string' ? SECRETS[issuer] : undefined;
  if (!secret) return KLING_ERRORS.authInvalid;
  try {
    await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ['HS256'], issuer: issuer as string, requiredClaims: ['exp', 'nbf'] });
    return { accessKey: issuer as string };
  } catch (err) {
    if (err instanceof errors.JWTExpired) return KLING_ERRORS.authExpired;
    if (err instanceof errors.JWTClaimValidationFailed && err.claim === 'nbf') return KLING_ERRORS.authNotYetValid;
    return KLING_ERRORS.authInvalid;
  }
}

/** What Kling's parameter check refuses (code 1201), in its words where known. */
function invalid(kind: Kind, body: Record<string, unknown>): string | null {
  if (typeof body.prompt !== 'string' || !body.prompt) return 'prompt is required';
  if (kind === 'image') {
    if (body.aspect_ratio !== undefined && !IMAGE_SIZES[String(body.aspect_ratio)]) return 'aspect_ratio is invalid';
    const n = Number(body.n ?? 1);
    return Number.isInteger(n) && n >= 1 && n <= 9 ? null : 'n must be between 1 and 9';
  }
  if (body.duration !== undefined && body.duration !== '5' && body.duration !== '10') return 'duration must be "5" or "10"';
  if (body.mode !== undefined && body.mode !== 'std' && body.mode !== 'pro') return 'mode must be std or pro';
  if (kind === 'image2video' && typeof body.image !== 'string') return 'image is required';
  if (kind === 'text2video' && body.aspect_ratio !== undefined && !['16:9', '9:16', '1:1'].includes(String(body.aspect_ratio))) return 'aspect_ratio is invalid';
  return null;
}
