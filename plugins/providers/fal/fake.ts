import { createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import sharp from 'sharp';
import type { ProviderErrorKind } from '../../../src/plugins';
import type { ProviderFake } from '../../../src/plugins/testing/describe-provider-contract';
// The fake server alone, not the testing index, which loads vitest: scripts/provider-fakes.ts runs the fakes on their own.
import { startFakeServer, type FakeRequest, type FakeResponse } from '../../../src/plugins/testing/fake-server';

/** fal keys are "<key id>:<key secret>". */
export const FAL_KEY = 'fal-fake-key-id-0001:fal-fake-key-secret-0001';
/** A key whose account has spent its balance: fal locks it (403) until topped up. */
export const BROKE_FAL_KEY = 'fal-fake-key-id-0002:fal-fake-key-secret-0002';
/** The endpoints the fake serves, as fal names them. */
export const FAL_ENDPOINTS = ['fal-ai/flux/schnell', 'fal-ai/flux/dev', 'fal-ai/flux-pro/kontext', 'fal-ai/flux-pro/kontext/max/multi'];

const detail = (status: number, body: object, headers?: Record<string, string>): FakeResponse => ({ status, headers: { 'content-type': 'application/json', ...headers }, body });

/**
 * fal's error answers: `{detail: string}` from the gateway, `{detail: [{loc, msg, type, ...}]}` from
 * models (fal.ai/docs/errors). The 401 wording and the 429 and 503 headers are not documented (NC).
 */
export const FAL_ERRORS = {
  unauthorized: detail(401, { detail: 'No user found for Key ID and Secret' }),
  exhaustedBalance: detail(403, { detail: 'User is locked. Reason: Exhausted balance. Top up your balance at fal.ai/dashboard/billing.' }),
  rateLimited: detail(429, { detail: 'Too many requests: concurrent request limit reached.' }, { 'retry-after': '3', 'x-fal-retryable': 'true' }),
  unavailable: detail(503, { detail: 'Service Unavailable' }, { 'x-fal-retryable': 'true' }),
  invalidInput: detail(422, { detail: [{ loc: ['body', 'prompt'], msg: 'Field required', type: 'missing' }] }, { 'x-fal-retryable': 'false' }),
  appNotFound: detail(404, { detail: 'Application not found' }),
  contentPolicy: detail(422, {
    detail: [{
      loc: ['body', 'prompt'], msg: 'The content was flagged by a content checker.', type: 'content_policy_violation',
      url: 'https://docs.fal.ai/errors#content_policy_violation', input: 'the flagged prompt', categories: ['sexual'],
    }],
  }, { 'x-fal-retryable': 'false' }),
};

/** How the next queued request ends: refused by a content checker (a 422 on its result) or flagged by FLUX's safety checker (a black image). */
export type FalRequestFailure = 'content_policy_violation' | 'nsfw';

interface FakeRequestState {
  id: string;
  app: string;
  endpoint: string;
  input: Record<string, unknown>;
  status: 'IN_QUEUE' | 'IN_PROGRESS' | 'COMPLETED' | 'CANCELLED';
  /** Status reads left before it completes. */
  pollsLeft: number;
  failure: FalRequestFailure | null;
  output?: object;
  /** Where its outcome is posted, when the submit asked (`?fal_webhook=`). */
  webhook?: string;
  /** Set once it starts to complete, so a status read and the background never complete it twice. */
  completing?: Promise<void>;
}

export interface FalFake extends ProviderFake {
  requests: FakeRequest[];
  queued: Map<string, FakeRequestState>;
  /** Status reads a request answers IN_QUEUE, then IN_PROGRESS, before it completes; 0 (the default): completed at the first. */
  pollsBeforeDone: number;
  /** How long a submit holds its answer, in ms: a slow queue. */
  holdMs: number;
  /** How long a request that asked for a webhook runs on its own before it completes and posts, in ms (0: at once). */
  webhookAfterMs: number;
  /** Makes the next queued request end this way. */
  failNextRequest(failure: FalRequestFailure): void;
  /** The next request is answered with this. */
  answerNext(response: FakeResponse): void;
  /** Where the fake publishes its webhook signing key (a JWKS): the plugin's `webhookJwksUrl`. */
  jwksUrl: string;
  /** Replaces the signing key pair, as fal rotates its keys. */
  rotateSigningKey(): void;
  /** The headers fal signs a delivery of `body` about `requestId` with (now, unless given). */
  signWebhook(body: string, requestId: string, at?: { timestamp?: number }): Record<string, string>;
}

/** The fal account the fake's deliveries say they are for. */
export const FAL_USER_ID = 'fake-fal-user-0001';

/** fal's webhook body (docs.fal.ai/model-endpoints/webhooks): the outcome of one queued request. */
export interface FalWebhookBody {
  request_id: string;
  gateway_request_id: string;
  status: 'OK' | 'ERROR';
  payload: object;
  error?: string;
}

/**
 * fal's queue API on 127.0.0.1, from its reference (fal.ai/docs/documentation/model-apis/inference/queue):
 * submit (POST /{owner}/{app}[/{path}]), status (GET /{owner}/{app}/requests/{id}/status), result
 * (GET /{owner}/{app}/requests/{id}), cancel (PUT .../cancel), with `Authorization: Key`, and the
 * files its results link to (real images of the asked size and format). A request submitted with
 * `?fal_webhook=<url>` completes on its own, polled or not, and its outcome is posted there, signed
 * with Ed25519 by a key pair made at start whose public half the fake serves as a JWKS.
 */
export async function startFalFake(): Promise<FalFake> {
  const queued = new Map<string, FakeRequestState>();
  const files = new Map<string, { data: Buffer; mimeType: string }>();
  let next: FakeResponse | null = null;
  let failure: FalRequestFailure | null = null;
  let signing = generateKeyPairSync('ed25519');

  const fake: FalFake = {
    url: '',
    requests: [],
    queued,
    pollsBeforeDone: 0,
    holdMs: 0,
    webhookAfterMs: 0,
    failNext: (kind: ProviderErrorKind) => {
      if (kind === 'content_rejected') failure = 'content_policy_violation';
      else next = { invalid_credentials: FAL_ERRORS.unauthorized, quota_exhausted: FAL_ERRORS.exhaustedBalance, rate_limited: FAL_ERRORS.rateLimited, transient: FAL_ERRORS.unavailable, invalid_input: FAL_ERRORS.invalidInput, unavailable: FAL_ERRORS.appNotFound }[kind];
      return true;
    },
    failNextRequest: (kind) => {
      failure = kind;
    },
    answerNext: (response) => {
      next = response;
    },
    jwksUrl: '',
    rotateSigningKey: () => {
      signing = generateKeyPairSync('ed25519');
    },
    signWebhook: (body, requestId, at = {}) => {
      const timestamp = String(at.timestamp ?? Math.floor(Date.now() / 1000));
      const signed = `${requestId}\n${FAL_USER_ID}\n${timestamp}\n${createHash('sha256').update(body).digest('hex')}`;
      return {
        'x-fal-webhook-request-id': requestId, 'x-fal-webhook-user-id': FAL_USER_ID, 'x-fal-webhook-timestamp': timestamp,
        'x-fal-webhook-signature': sign(null, Buffer.from(signed), signing.privateKey).toString('hex'),
      };
    },
    close: async () => undefined,
  };

  const urls = (r: FakeRequestState) => {
    const base = `${server.url}/${r.app}/requests/${r.id}`;
    return { request_id: r.id, gateway_request_id: r.id, response_url: base, status_url: `${base}/status`, cancel_url: `${base}/cancel` };
  };

  /** Posts a completed request's outcome to its webhook; a receiver that fails is not retried. */
  const notify = async (r: FakeRequestState) => {
    if (!r.webhook) return;
    const refused = r.failure === 'content_policy_violation';
    const outcome: FalWebhookBody = refused
      ? { request_id: r.id, gateway_request_id: r.id, status: 'ERROR', error: 'Invalid status code: 422', payload: FAL_ERRORS.contentPolicy.body as object }
      : { request_id: r.id, gateway_request_id: r.id, status: 'OK', payload: r.output! };
    const body = JSON.stringify(outcome);
    await fetch(r.webhook, { method: 'POST', headers: { 'content-type': 'application/json', ...fake.signWebhook(body, r.id) }, body }).catch(() => undefined);
  };

  const complete = (r: FakeRequestState) => (r.completing ??= produce(r).then(() => void notify(r)));

  const produce = async (r: FakeRequestState) => {
    r.status = 'COMPLETED';
    if (r.failure === 'content_policy_violation') return;
    const images = await render(r.input, r.failure === 'nsfw');
    r.output = {
      images: images.map((image, i) => {
        const path = `/files/${r.id}-${i}.${image.extension}`;
        files.set(path, image);
        return { url: `${server.url}${path}`, width: image.width, height: image.height, content_type: image.mimeType };
      }),
      seed: Number(r.input.seed ?? 0),
      has_nsfw_concepts: images.map(() => r.failure === 'nsfw'),
      timings: { inference: 0.4 },
      prompt: r.input.prompt,
    };
  };

  const submit = async (req: FakeRequest, endpoint: string): Promise<FakeResponse> => {
    const input = JSON.parse(req.body.toString() || '{}') as Record<string, unknown>;
    if (typeof input.prompt !== 'string') return FAL_ERRORS.invalidInput;
    const r: FakeRequestState = {
      id: randomUUID(), app: endpoint.split('/').slice(0, 2).join('/'), endpoint, input, status: 'IN_QUEUE', pollsLeft: fake.pollsBeforeDone, failure,
      webhook: new URLSearchParams(req.url.split('?')[1] ?? '').get('fal_webhook') ?? undefined,
    };
    failure = null;
    queued.set(r.id, r);
    if (fake.holdMs) await new Promise((resolve) => setTimeout(resolve, fake.holdMs));
    if (r.webhook) setTimeout(() => void complete(r), fake.webhookAfterMs);
    return { headers: { 'x-fal-request-id': r.id }, body: { ...urls(r), queue_position: 0 } };
  };

  const status = async (r: FakeRequestState): Promise<FakeResponse> => {
    if (r.status === 'IN_QUEUE' || r.status === 'IN_PROGRESS') {
      if (r.pollsLeft > 1) r.pollsLeft--;
      else if (r.pollsLeft === 1) {
        r.pollsLeft = 0;
        r.status = 'IN_PROGRESS';
      } else await complete(r);
    }
    const body = { ...urls(r), status: r.status === 'CANCELLED' ? 'COMPLETED' : r.status };
    if (r.status === 'IN_QUEUE') return { body: { ...body, queue_position: r.pollsLeft - 1 } };
    if (r.status === 'IN_PROGRESS') return { body: { ...body, logs: [{ message: 'Generating', level: 'INFO', source: 'USER', timestamp: new Date().toISOString() }] } };
    return { body: { ...body, logs: [], metrics: { inference_time: 0.4 } } };
  };

  const result = async (r: FakeRequestState): Promise<FakeResponse> => {
    await r.completing;
    if (r.status === 'CANCELLED') return detail(400, { detail: 'Request was cancelled' });
    if (r.status !== 'COMPLETED') return detail(400, { detail: 'Request is still in progress' });
    if (r.failure === 'content_policy_violation') return FAL_ERRORS.contentPolicy;
    return { headers: { 'x-fal-request-id': r.id }, body: r.output! };
  };

  const cancel = (r: FakeRequestState): FakeResponse => {
    if (r.status === 'COMPLETED') return detail(400, { status: 'ALREADY_COMPLETED' });
    r.status = 'CANCELLED';
    return { status: 202, body: { status: 'CANCELLATION_REQUESTED' } };
  };

  const server = await startFakeServer(async (req) => {
    const [path] = req.url.split('?');
    const file = files.get(path);
    if (req.method === 'GET' && file) return { headers: { 'content-type': file.mimeType }, body: file.data };
    if (req.method === 'GET' && path === JWKS_PATH) return { body: { keys: [{ ...signing.publicKey.export({ format: 'jwk' }), use: 'sig', alg: 'EdDSA' }] } };
    const key = /^Key (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (key !== FAL_KEY && key !== BROKE_FAL_KEY) return FAL_ERRORS.unauthorized;
    if (key === BROKE_FAL_KEY) return FAL_ERRORS.exhaustedBalance;
    if (next) {
      const answer = next;
      next = null;
      return answer;
    }
    const onRequest = /^\/([\w.-]+\/[\w.-]+)\/requests\/([\w-]+)(\/status|\/cancel)?$/.exec(path);
    if (onRequest) {
      const r = queued.get(onRequest[2]);
      if (!r || r.app !== onRequest[1]) return detail(404, { detail: 'Request not found' });
      if (req.method === 'GET' && onRequest[3] === '/status') return status(r);
      if (req.method === 'GET' && !onRequest[3]) return result(r);
      if (req.method === 'PUT' && onRequest[3] === '/cancel') return cancel(r);
      return detail(405, { detail: 'Method Not Allowed' });
    }
    const endpoint = path.slice(1);
    if (req.method === 'POST' && FAL_ENDPOINTS.includes(endpoint)) return submit(req, endpoint);
    return FAL_ERRORS.appNotFound;
  });
  return Object.assign(fake, { url: server.url, jwksUrl: `${server.url}${JWKS_PATH}`, requests: server.requests, close: server.close });
}

const JWKS_PATH = '/.well-known/jwks.json';

/** FLUX's image_size presets and Kontext's aspect ratios (at 1 megapixel). */
const PRESETS: Record<string, [number, number]> = {
  square_hd: [1024, 1024], square: [512, 512], landscape_4_3: [1024, 768], portrait_4_3: [768, 1024], landscape_16_9: [1024, 576], portrait_16_9: [576, 1024],
  '1:1': [1024, 1024], '16:9': [1344, 768], '9:16': [768, 1344], '4:3': [1152, 896], '3:4': [896, 1152],
};

/** What the endpoint renders for these inputs: plain images of the size and format asked, an edit's source stretched to it, or black where flagged. */
async function render(input: Record<string, unknown>, flagged: boolean): Promise<Array<{ data: Buffer; mimeType: string; extension: string; width: number; height: number }>> {
  const size = input.image_size;
  const [width, height] = typeof size === 'object' && size ? [Number((size as { width: number }).width), Number((size as { height: number }).height)] : PRESETS[String(size ?? input.aspect_ratio ?? 'square_hd')];
  const format = input.output_format === 'png' ? 'png' : 'jpeg';
  // Kontext's image_url, or the first of Kontext multi's image_urls.
  const uri = [input.image_url, [input.image_urls].flat()[0]].find((v): v is string => typeof v === 'string' && v.startsWith('data:'));
  const source = uri ? Buffer.from(uri.slice(uri.indexOf(',') + 1), 'base64') : null;
  return Promise.all(Array.from({ length: Number(input.num_images ?? 1) }, async (_, i) => {
    const image = flagged
      ? sharp({ create: { width, height, channels: 3, background: '#000000' } })
      : source ? sharp(source).resize(width, height, { fit: 'fill' }) : sharp({ create: { width, height, channels: 3, background: { r: 200, g: 60 + 30 * i, b: 40 } } });
    return { data: await image.toFormat(format).toBuffer(), mimeType: `image/${format}`, extension: format === 'jpeg' ? 'jpg' : format, width, height };
  }));
}
