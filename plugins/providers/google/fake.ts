import { createHash, randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { ProviderErrorKind } from '../../../src/plugins';
import type { ProviderFake } from '../../../src/plugins/testing/describe-provider-contract';
// The fake server alone, not the testing index, which loads vitest: scripts/provider-fakes.ts runs the fakes on their own.
import { startFakeServer, type FakeRequest, type FakeResponse } from '../../../src/plugins/testing/fake-server';

/** The key the fake takes; any other is refused as Google refuses a wrong key. */
export const GOOGLE_KEY = 'test-gemini-key';

/** The failures the fake can answer with, each as the Gemini API answers it. */
export type GoogleFailure =
  | 'bad_key'
  | 'permission_denied'
  | 'rate_limit'
  | 'free_tier_spent'
  | 'billing_required'
  | 'image_safety'
  | 'prompt_blocked'
  | 'no_image'
  | 'invalid_argument'
  | 'model_not_found'
  | 'internal'
  | 'unavailable';

/** One image call as the fake read it. */
export interface GoogleCall {
  method: 'generateContent' | 'predict';
  model: string;
  body: Record<string, unknown>;
}

export interface GoogleFake extends ProviderFake {
  requests: FakeRequest[];
  /** Every image call that passed the key check, oldest first. */
  calls: GoogleCall[];
  /** The next image call fails with this failure of Google's. */
  failNextWith(failure: GoogleFailure): void;
  /** The next request is answered only after this long (a slow generation). */
  delayNext(ms: number): void;
}

/** Gemini image models' renderings at 1K per aspect ratio; 2K and 4K double and quadruple them (ai.google.dev image generation docs). */
const GEMINI_1K: Record<string, [number, number]> = {
  '1:1': [1024, 1024], '2:3': [832, 1248], '3:2': [1248, 832], '3:4': [864, 1184], '4:3': [1184, 864],
  '4:5': [896, 1152], '5:4': [1152, 896], '9:16': [768, 1344], '16:9': [1344, 768], '21:9': [1536, 672],
};
const IMAGEN_1K: Record<string, [number, number]> = { '1:1': [1024, 1024], '3:4': [896, 1280], '4:3': [1280, 896], '9:16': [768, 1408], '16:9': [1408, 768] };
const SCALE: Record<string, number> = { '1K': 1, '2K': 2, '4K': 4 };

const GEMINI_MODELS = ['gemini-2.5-flash-image', 'gemini-3-pro-image', 'gemini-3.1-flash-image'];
const IMAGEN_MODELS = ['imagen-4.0-generate-001', 'imagen-4.0-fast-generate-001'];
const TEXT_MODELS = ['gemini-2.5-flash', 'gemini-3-flash'];

const KIND_FAILURES: Record<ProviderErrorKind, GoogleFailure> = {
  transient: 'unavailable',
  rate_limited: 'rate_limit',
  invalid_credentials: 'bad_key',
  quota_exhausted: 'free_tier_spent',
  content_rejected: 'image_safety',
  invalid_input: 'invalid_argument',
  unavailable: 'model_not_found',
};

const error = (code: number, status: string, message: string, details: object[] = []): FakeResponse => ({
  status: code,
  body: { error: { code, message, status, ...(details.length ? { details } : {}) } },
});

const quotaFailure = (quotaId: string, quotaValue: string, model: string) => ({
  '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
  violations: [{ quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests', quotaId, quotaDimensions: { location: 'global', model }, quotaValue }],
});
const help = { '@type': 'type.googleapis.com/google.rpc.Help', links: [{ description: 'Learn more about Gemini API quotas', url: 'https://ai.google.dev/gemini-api/docs/rate-limits' }] };

/** Google's own error bodies (ai.google.dev/gemini-api/docs/troubleshooting), and its 200 refusals. */
function failureResponse(failure: GoogleFailure, model: string): FakeResponse | 'refusal' {
  switch (failure) {
    case 'bad_key':
      return error(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
        { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
        { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: 'API key not valid. Please pass a valid API key.' },
      ]);
    case 'permission_denied':
      return error(403, 'PERMISSION_DENIED', 'Method doesn\'t allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.');
    case 'rate_limit':
      return error(429, 'RESOURCE_EXHAUSTED', `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 10, model: ${model}\nPlease retry in 36.2s.`, [
        quotaFailure('GenerateRequestsPerMinutePerProjectPerModel-FreeTier', '10', model), help, { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '36s' },
      ]);
    case 'free_tier_spent':
      return error(429, 'RESOURCE_EXHAUSTED', `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: 0, model: ${model}\nPlease retry in 12.5s.`, [
        quotaFailure('GenerateRequestsPerDayPerProjectPerModel-FreeTier', '0', model), help, { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '12s' },
      ]);
    case 'billing_required':
      return error(400, 'FAILED_PRECONDITION', 'Gemini API free tier is not available in your country. Please enable billing on your project in Google AI Studio.');
    case 'invalid_argument':
      return error(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
    case 'model_not_found':
      return error(404, 'NOT_FOUND', `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`);
    case 'internal':
      return error(500, 'INTERNAL', 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting');
    case 'unavailable':
      return error(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.');
    case 'image_safety':
    case 'prompt_blocked':
    case 'no_image':
      return 'refusal';
  }
}

/**
 * The Gemini API on 127.0.0.1, from its public reference: `POST /v1beta/models/{model}:generateContent`
 * answering an image in `inlineData` at the pixel size of the asked aspect ratio (an edit's first
 * inline source, resized and tinted), `POST /v1beta/models/{imagen}:predict` answering
 * `predictions[].bytesBase64Encoded`, `GET /v1beta/models`, the `x-goog-api-key` check, Google's
 * error bodies (400 API_KEY_INVALID, 403, 429 RESOURCE_EXHAUSTED with QuotaFailure and RetryInfo,
 * 404, 500, 503), and its refusals as 200s (finishReason IMAGE_SAFETY, promptFeedback.blockReason).
 */
export async function startGoogleFake(): Promise<GoogleFake> {
  let failure: GoogleFailure | undefined;
  let delayMs = 0;
  const calls: GoogleCall[] = [];

  const server = await startFakeServer(async (req) => {
    const wait = delayMs;
    delayMs = 0;
    if (wait) await new Promise((resolve) => setTimeout(resolve, wait));
    return answerFor(req);
  });

  async function answerFor(req: FakeRequest): Promise<FakeResponse> {
    const key = req.headers['x-goog-api-key'];
    if (!key) return failureResponse('permission_denied', '') as FakeResponse;
    if (key !== GOOGLE_KEY) return failureResponse('bad_key', '') as FakeResponse;
    const path = req.url.split('?')[0];
    if (req.method === 'GET' && path === '/v1beta/models') {
      return { body: { models: [...GEMINI_MODELS, ...IMAGEN_MODELS, ...TEXT_MODELS].map((id) => ({ name: `models/${id}`, displayName: id, supportedGenerationMethods: IMAGEN_MODELS.includes(id) ? ['predict'] : ['generateContent'] })) } };
    }
    const call = /^\/v1beta\/models\/([^/:]+):(generateContent|predict)$/.exec(path);
    if (req.method !== 'POST' || !call) return error(404, 'NOT_FOUND', `Method not found: ${req.method} ${path}`);
    const [, model, method] = call;
    const body = JSON.parse(req.body.toString() || '{}') as Record<string, unknown>;
    calls.push({ method: method as GoogleCall['method'], model, body });
    const pending = failure;
    failure = undefined;
    const known = method === 'predict' ? IMAGEN_MODELS : GEMINI_MODELS;
    if (!known.includes(model)) return failureResponse('model_not_found', model) as FakeResponse;
    if (pending) {
      const failed = failureResponse(pending, model);
      return failed === 'refusal' ? refusal(pending, model) : failed;
    }
    return method === 'predict' ? predictAnswer(body) : contentAnswer(model, body);
  }

  return {
    url: server.url,
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
    close: () => server.close(),
  };
}

interface ContentBody {
  contents?: Array<{ parts?: Array<{ text?: string; inlineData?: { mimeType: string; data: string } }> }>;
  generationConfig?: { responseModalities?: string[]; imageConfig?: { aspectRatio?: string; imageSize?: string } };
}

async function contentAnswer(model: string, raw: Record<string, unknown>): Promise<FakeResponse> {
  const body = raw as ContentBody;
  const parts = body.contents?.flatMap((c) => c.parts ?? []) ?? [];
  const prompt = parts.map((p) => p.text ?? '').join(' ').trim();
  if (!prompt && !parts.length) return error(400, 'INVALID_ARGUMENT', '* GenerateContentRequest.contents: contents is not specified\n');
  const { aspectRatio = '1:1', imageSize = '1K' } = body.generationConfig?.imageConfig ?? {};
  const base = GEMINI_1K[aspectRatio];
  if (!base) return error(400, 'INVALID_ARGUMENT', `Invalid aspect ratio: ${aspectRatio}.`);
  if (!SCALE[imageSize] || (model === 'gemini-2.5-flash-image' && imageSize !== '1K')) return error(400, 'INVALID_ARGUMENT', `Image size ${imageSize} is not supported by ${model}.`);
  if (!body.generationConfig?.responseModalities?.includes('IMAGE')) {
    return { body: contentBody(model, [{ text: `Here is a description of ${prompt}.` }], 'STOP') };
  }
  const [width, height] = base.map((side) => side * SCALE[imageSize]);
  const source = parts.find((p) => p.inlineData)?.inlineData;
  const image = await render(width, height, prompt, source ? Buffer.from(source.data, 'base64') : undefined);
  return { body: contentBody(model, [{ inlineData: { mimeType: 'image/png', data: image.toString('base64') } }], 'STOP') };
}

function contentBody(model: string, parts: object[], finishReason: string, extra: object = {}) {
  return {
    candidates: [{ content: { parts, role: 'model' }, finishReason, index: 0 }],
    usageMetadata: { promptTokenCount: 12, candidatesTokenCount: 1290, totalTokenCount: 1302, candidatesTokensDetails: [{ modality: 'IMAGE', tokenCount: 1290 }] },
    modelVersion: model,
    responseId: randomBytes(12).toString('base64url'),
    ...extra,
  };
}

/** Google's 200s without an image: the image filtered, the prompt blocked, or text where an image was asked. */
function refusal(failure: GoogleFailure, model: string): FakeResponse {
  if (failure === 'prompt_blocked') {
    return { body: { promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 }, modelVersion: model, responseId: randomBytes(12).toString('base64url') } };
  }
  if (failure === 'image_safety') return { body: contentBody(model, [], 'IMAGE_SAFETY', {}) };
  return { body: contentBody(model, [{ text: 'I can only describe this scene, not draw it.' }], 'STOP') };
}

async function predictAnswer(raw: Record<string, unknown>): Promise<FakeResponse> {
  const body = raw as { instances?: Array<{ prompt?: string }>; parameters?: { sampleCount?: number; aspectRatio?: string; imageSize?: string } };
  const prompt = body.instances?.[0]?.prompt;
  if (!prompt) return error(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
  const { sampleCount = 4, aspectRatio = '1:1', imageSize = '1K' } = body.parameters ?? {};
  const base = IMAGEN_1K[aspectRatio];
  if (!base || !SCALE[imageSize] || imageSize === '4K') return error(400, 'INVALID_ARGUMENT', 'Request contains an invalid argument.');
  if (!Number.isInteger(sampleCount) || sampleCount < 1 || sampleCount > 4) return error(400, 'INVALID_ARGUMENT', 'sampleCount must be between 1 and 4.');
  const [width, height] = base.map((side) => side * SCALE[imageSize]);
  const image = (await render(width, height, prompt)).toString('base64');
  return { body: { predictions: Array.from({ length: sampleCount }, () => ({ mimeType: 'image/png', bytesBase64Encoded: image })) } };
}

/** A PNG of the size: the source resized and tinted, or a plain colour picked from the prompt. */
async function render(width: number, height: number, prompt: string, source?: Buffer): Promise<Buffer> {
  const [r, g, b] = createHash('sha256').update(prompt).digest();
  if (!source) return sharp({ create: { width, height, channels: 3, background: { r, g, b } } }).png().toBuffer();
  return sharp(source).resize(width, height, { fit: 'fill' }).removeAlpha().tint({ r, g, b }).png().toBuffer();
}
