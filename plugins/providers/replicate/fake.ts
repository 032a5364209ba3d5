import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { Webhook } from 'standardwebhooks';
import type { ProviderErrorKind } from '../../../src/plugins';
import type { ProviderFake } from '../../../src/plugins/testing/describe-provider-contract';
// The fake server alone, not the testing index, which loads vitest: scripts/provider-fakes.ts runs the fakes on their own.
import { startFakeServer, type FakeRequest, type FakeResponse } from '../../../src/plugins/testing/fake-server';

export const REPLICATE_TOKEN = 'r8_fake_test_token_0001';
/** A token whose account has no credit left: every prediction is refused with 402. */
export const BROKE_TOKEN = 'r8_fake_broke_token_0002';
/** The one model version the fake hosts besides its official models (an SDXL-like model taking width and height). */
export const SDXL_VERSION = '7762fd07cf82c948538e41f63f77d685e02b063e37e496e96eefd46c929f9bdc';
const OFFICIAL_MODELS = ['black-forest-labs/flux-schnell', 'black-forest-labs/flux-kontext-pro', 'google/nano-banana'];

const problem = (status: number, title: string, detail: string, headers?: Record<string, string>): FakeResponse => ({
  status, headers: { 'content-type': 'application/problem+json', ...headers }, body: { title, detail, status },
});

/** Replicate's problem answers (replicate.com/docs/reference/http; 402's and 503's wording is not documented, NC). */
export const REPLICATE_ERRORS = {
  unauthenticated: problem(401, 'Unauthenticated', 'You did not pass a valid authentication token'),
  noCredit: problem(402, 'Insufficient credit', 'You have insufficient credit to run this model. Go to https://replicate.com/account/billing#billing to purchase credit.'),
  throttled: problem(429, 'Too Many Requests', 'Request was throttled. Your rate limit resets in ~30s.'),
  unavailable: problem(503, 'Service Unavailable', 'The service is temporarily unavailable.'),
  invalidInput: problem(422, 'Input validation failed', '- input: prompt is required\n'),
  invalidVersion: problem(422, 'Invalid version or not permitted', 'The specified version does not exist (or perhaps you don\'t have permission to use it?)'),
  notFound: problem(404, 'Not found', 'The requested resource could not be found.'),
};

/** The wording Replicate's FLUX models fail a prediction with when their safety checker fires. */
export const NSFW_ERROR = 'NSFW content detected. Try running it again, or try a different prompt.';

/** FLUX's renderings at 1 megapixel, for predictions asking an aspect ratio rather than a size. */
const ASPECT_SIZES: Record<string, [number, number]> = {
  '1:1': [1024, 1024], '16:9': [1344, 768], '9:16': [768, 1344], '3:2': [1216, 832], '2:3': [832, 1216], '4:3': [1152, 896], '3:4': [896, 1152],
};

interface FakePrediction {
  id: string;
  model: string;
  version: string;
  input: Record<string, unknown>;
  status: 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled';
  output: string[] | null;
  error: string | null;
  /** Polls left before it succeeds. */
  pollsLeft: number;
  created_at: string;
  /** Where its `completed` event is posted, when the create asked for it. */
  webhook?: string;
  /** Set once it starts to finish, so a poll and the background never finish it twice. */
  finishing?: Promise<void>;
}

export interface ReplicateFake extends ProviderFake {
  requests: FakeRequest[];
  predictions: Map<string, FakePrediction>;
  /** Polls a prediction answers `processing` before it succeeds; 0 (the default): it finishes within a create's `Prefer: wait`. */
  pollsBeforeDone: number;
  /** How long a create holds its answer, in ms: a slow model. */
  holdMs: number;
  /** How long a prediction that asked for a webhook runs on its own before it finishes and posts, in ms (0: at once). */
  webhookAfterMs: number;
  /** Makes the next prediction fail with this error, as the model would. */
  failNextPrediction(error: string): void;
  /** The next request is answered with this. */
  answerNext(response: FakeResponse): void;
  /** The account's webhook signing secret, "whsec_<base64>", as GET /webhooks/default/secret answers it. */
  webhookSecret: string;
  /** Replaces the signing secret, as Replicate does when an account's secret is rotated. */
  rotateWebhookSecret(): void;
  /** The headers Replicate signs a delivery of `body` with (now, and a fresh message id, unless given). */
  signWebhook(body: string, at?: { id?: string; timestamp?: number }): Record<string, string>;
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Replicate's HTTP API on 127.0.0.1, from its reference: predictions created on an official model
 * (POST /models/{owner}/{name}/predictions) or a version (POST /predictions), held with `Prefer:
 * wait`, polled (GET /predictions/{id}), cancelled (POST /predictions/{id}/cancel), GET /account,
 * GET /webhooks/default/secret, and the output files it links to (real images of the asked size
 * and format). A prediction created with a `webhook` finishes on its own, polled or not, and its
 * `completed` event is posted there, signed, as Replicate posts it (Standard Webhooks).
 */
export async function startReplicateFake(): Promise<ReplicateFake> {
  const predictions = new Map<string, FakePrediction>();
  const files = new Map<string, { data: Buffer; mimeType: string }>();
  let next: FakeResponse | null = null;
  let failPrediction: string | null = null;

  const fake: ReplicateFake = {
    url: '',
    requests: [],
    predictions,
    pollsBeforeDone: 0,
    holdMs: 0,
    webhookAfterMs: 0,
    failNext: (kind: ProviderErrorKind) => {
      if (kind === 'content_rejected') failPrediction = NSFW_ERROR;
      else next = { invalid_credentials: REPLICATE_ERRORS.unauthenticated, quota_exhausted: REPLICATE_ERRORS.noCredit, rate_limited: REPLICATE_ERRORS.throttled, transient: REPLICATE_ERRORS.unavailable, invalid_input: REPLICATE_ERRORS.invalidInput, unavailable: REPLICATE_ERRORS.invalidVersion }[kind];
      return true;
    },
    failNextPrediction: (error) => {
      failPrediction = error;
    },
    answerNext: (response) => {
      next = response;
    },
    webhookSecret: newSecret(),
    rotateWebhookSecret: () => {
      fake.webhookSecret = newSecret();
    },
    signWebhook: (body, at = {}) => {
      const id = at.id ?? `msg_${randomBytes(12).toString('hex')}`;
      const timestamp = at.timestamp ?? Math.floor(Date.now() / 1000);
      return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': new Webhook(fake.webhookSecret).sign(id, new Date(timestamp * 1000), body) };
    },
    close: async () => undefined,
  };

  const json = (p: FakePrediction) => ({
    id: p.id, model: p.model, version: p.version, input: p.input, status: p.status, output: p.output, error: p.error, logs: '',
    source: 'api', data_removed: false, created_at: p.created_at, metrics: p.status === 'succeeded' ? { predict_time: 0.8 } : {},
    urls: { get: `${server.url}/v1/predictions/${p.id}`, cancel: `${server.url}/v1/predictions/${p.id}/cancel`, web: `https://replicate.com/p/${p.id}` },
  });

  /** Posts a finished prediction to its webhook, as Replicate's `completed` event; a receiver that fails is not retried. */
  const notify = async (p: FakePrediction) => {
    if (!p.webhook) return;
    const body = JSON.stringify(json(p));
    await fetch(p.webhook, { method: 'POST', headers: { 'content-type': 'application/json', ...fake.signWebhook(body) }, body }).catch(() => undefined);
  };

  const settle = async (p: FakePrediction) => {
    if (p.error) p.status = 'failed';
    else {
      const images = await render(p.input);
      p.output = images.map((image, i) => {
        const path = `/files/${p.id}-${i}.${image.extension}`;
        files.set(path, image);
        return `${server.url}${path}`;
      });
      p.status = 'succeeded';
    }
    void notify(p);
  };
  const finish = (p: FakePrediction) => (p.finishing ??= settle(p));

  const create = async (req: FakeRequest, model: string, version: string): Promise<FakeResponse> => {
    const body = JSON.parse(req.body.toString() || '{}') as { input?: Record<string, unknown>; webhook?: string; webhook_events_filter?: string[] };
    if (typeof body.input?.prompt !== 'string') return REPLICATE_ERRORS.invalidInput;
    const p: FakePrediction = {
      id: randomBytes(13).toString('base64url').toLowerCase().replace(/[^a-z0-9]/g, 'a'), model, version, input: body.input,
      status: 'starting', output: null, error: failPrediction, pollsLeft: fake.pollsBeforeDone, created_at: new Date().toISOString(),
      webhook: body.webhook && (body.webhook_events_filter ?? ['completed']).includes('completed') ? body.webhook : undefined,
    };
    failPrediction = null;
    predictions.set(p.id, p);
    if (fake.holdMs) await new Promise((r) => setTimeout(r, fake.holdMs));
    const wait = /^wait(=\d+)?$/.test(String(req.headers.prefer ?? ''));
    if (wait && p.pollsLeft === 0) await finish(p);
    else if (wait) p.status = 'processing';
    const answer = json(p);
    if (p.webhook) setTimeout(() => void finish(p), fake.webhookAfterMs);
    return { status: 201, body: answer };
  };

  const server = await startFakeServer(async (req) => {
    const [path] = req.url.split('?');
    const file = files.get(path);
    if (req.method === 'GET' && file) return { headers: { 'content-type': file.mimeType }, body: file.data };
    const token = /^Bearer (.+)$/.exec(String(req.headers.authorization ?? ''))?.[1];
    if (token !== REPLICATE_TOKEN && token !== BROKE_TOKEN) return REPLICATE_ERRORS.unauthenticated;
    if (next) {
      const answer = next;
      next = null;
      return answer;
    }
    if (req.method === 'GET' && path === '/v1/account') return { body: { type: 'user', username: 'darkroom-test', name: 'Darkroom test' } };
    if (req.method === 'GET' && path === '/v1/webhooks/default/secret') return { body: { key: fake.webhookSecret } };
    const official = /^\/v1\/models\/([\w.-]+\/[\w.-]+)\/predictions$/.exec(path);
    if (req.method === 'POST' && (official || path === '/v1/predictions')) {
      if (token === BROKE_TOKEN) return REPLICATE_ERRORS.noCredit;
      if (official) return OFFICIAL_MODELS.includes(official[1]) ? create(req, official[1], 'hidden') : REPLICATE_ERRORS.notFound;
      const { version } = JSON.parse(req.body.toString() || '{}') as { version?: string };
      return version === SDXL_VERSION ? create(req, 'stability-ai/sdxl', version) : REPLICATE_ERRORS.invalidVersion;
    }
    const found = /^\/v1\/predictions\/(\w+)(\/cancel)?$/.exec(path);
    const p = found && predictions.get(found[1]);
    if (!p) return REPLICATE_ERRORS.notFound;
    if (req.method === 'POST' && found[2]) {
      if (p.status === 'starting' || p.status === 'processing') {
        p.status = 'canceled';
        p.finishing = notify(p);
      }
      return { body: json(p) };
    }
    if (req.method !== 'GET' || found[2]) return REPLICATE_ERRORS.notFound;
    if (p.status === 'starting' || p.status === 'processing') {
      if (p.pollsLeft-- > 0) p.status = 'processing';
      else await finish(p);
    }
    return { body: json(p) };
  });
  return Object.assign(fake, { url: `${server.url}/v1`, requests: server.requests, close: server.close });
}

/** What the model renders for these inputs: plain images of the size and format asked, or an edit's (first) source stretched to it. */
async function render(input: Record<string, unknown>): Promise<Array<{ data: Buffer; mimeType: string; extension: string }>> {
  const [width, height] = typeof input.width === 'number' ? [input.width, Number(input.height)] : ASPECT_SIZES[String(input.aspect_ratio ?? '1:1')];
  const format = ({ jpg: 'jpeg', webp: 'webp', png: 'png' } as const)[String(input.output_format ?? 'png') as 'jpg' | 'webp' | 'png'] ?? 'png';
  // FLUX Kontext's input_image, SDXL's image, or the first of Nano Banana's image_input list.
  const source = [input.input_image, input.image, [input.image_input].flat()[0]].find((v): v is string => typeof v === 'string' && v.startsWith('data:'));
  const count = Number(input.num_outputs ?? 1);
  return Promise.all(Array.from({ length: count }, async (_, i) => {
    const image = source
      ? sharp(Buffer.from(source.slice(source.indexOf(',') + 1), 'base64')).resize(width, height, { fit: 'fill' })
      : sharp({ create: { width, height, channels: 3, background: { r: 40 + 30 * i, g: 90, b: 160 } } });
    return { data: await image.toFormat(format).toBuffer(), mimeType: `image/${format}`, extension: format === 'jpeg' ? 'jpg' : format };
  }));
}
