import sharp from 'sharp';
import {
  ProviderError, providerErrorFromStatus, retryAfterMs, type PollResult, type ProviderOutput, type ProviderRequest,
} from '../../../src/plugins';
import { KLING_DURATIONS, type KlingModelOptions } from './kling-options.dto';

/** The three kinds of task, each with its own submit and query paths. */
export type KlingTaskKind = 'image' | 'text2video' | 'image2video';

/** Kling's envelope around every answer. */
export interface KlingEnvelope<T = unknown> {
  code: number;
  message: string;
  request_id?: string;
  data?: T;
}

export interface KlingTask {
  task_id: string;
  task_status: 'submitted' | 'processing' | 'succeed' | 'failed';
  task_status_msg?: string;
  task_result?: {
    images?: Array<{ index: number; url: string }>;
    videos?: Array<{ id: string; url: string; duration: string }>;
  };
}

/** A task to submit: its kind, its body, and the length a video renders. */
export interface KlingSubmission {
  kind: KlingTaskKind;
  body: Record<string, unknown>;
  seconds?: number;
}

/** Kling's wait after a rate limit when it sends no Retry-After (its answers carry none, NC). */
const RATE_LIMIT_WAIT_MS = 5_000;
/** How a failed task's message says that moderation refused it (Kling words it as risk control or content security). */
const MODERATED = /risk|sensitive|security|content|policy|moderat|violat/i;

/** The length Kling renders for the one asked: the shortest of 5 and 10 seconds at least as long. */
export function renderedSeconds(asked: number | undefined): number | undefined {
  return asked === undefined ? KLING_DURATIONS[0] : KLING_DURATIONS.find((d) => d >= asked);
}

/** A Darkroom request as a Kling task: images, text-to-video, or image-to-video with the first frame cropped to the asked ratio. */
export async function submission(request: ProviderRequest, model: KlingModelOptions): Promise<KlingSubmission> {
  if (request.operation !== 'generate' && request.operation !== 'video') throw new ProviderError('invalid_input', `kling: ${request.operation} is not served`);
  const { input } = request;
  const ratio = model.sizes[`${input.width}x${input.height}`];
  if (!ratio) throw new ProviderError('invalid_input', `kling: ${model.id} does not render ${input.width}x${input.height}`);
  const body: Record<string, unknown> = { ...model.input, model_name: model.modelName ?? model.id, prompt: input.prompt };
  if (input.negativePrompt) body.negative_prompt = input.negativePrompt;
  if (request.operation === 'generate') return { kind: 'image', body: { ...body, n: request.input.n, aspect_ratio: ratio } };

  const seconds = renderedSeconds(request.input.durationSeconds);
  if (seconds === undefined) throw new ProviderError('invalid_input', `kling: videos are ${KLING_DURATIONS.join(' or ')} seconds long, not ${request.input.durationSeconds}`);
  Object.assign(body, { duration: String(seconds), ...(model.mode ? { mode: model.mode } : {}) });
  const frame = request.input.image;
  if (!frame) return { kind: 'text2video', body: { ...body, aspect_ratio: ratio }, seconds };
  // Image-to-video follows its frame's shape: cropped to the asked size, the video has it.
  const image = await sharp(frame.data).resize(request.input.width, request.input.height, { fit: 'cover' }).jpeg({ quality: 90 }).toBuffer()
    .catch((err: unknown) => {
      throw new ProviderError('invalid_input', 'kling: the first frame is not an image that can be read', { cause: err });
    });
  return { kind: 'image2video', body: { ...body, image: image.toString('base64') }, seconds };
}

/** The remote id the core keeps: the kind of task (its query path) and Kling's task id. */
export function remoteIdOf(kind: KlingTaskKind, taskId: string): string {
  return `${kind}:${taskId}`;
}

export function parseRemoteId(remoteId: string): { kind: KlingTaskKind; taskId: string } {
  const [kind, taskId] = remoteId.split(/:(.*)/s);
  if ((kind !== 'image' && kind !== 'text2video' && kind !== 'image2video') || !taskId) {
    throw new ProviderError('unavailable', `kling: "${remoteId.slice(0, 100)}" is not a task this plugin started`);
  }
  return { kind, taskId };
}

/** Where a task stands, as the core's poll answer. */
export function pollResult(task: KlingTask, pollAfterMs: number): PollResult {
  if (task.task_status === 'succeed') {
    const outputs: ProviderOutput[] = [
      ...(task.task_result?.images ?? []).map((image) => ({ url: image.url })),
      ...(task.task_result?.videos ?? []).map((video) => ({ url: video.url, mimeType: 'video/mp4', durationSeconds: Number(video.duration) || undefined })),
    ];
    if (!outputs.length) return { status: 'failed', error: new ProviderError('transient', `kling: task ${task.task_id} succeeded with no output`, { detail: task.task_id }) };
    return { status: 'done', outputs };
  }
  if (task.task_status === 'failed') {
    const message = `kling: task ${task.task_id} failed: ${task.task_status_msg ?? 'no reason given'}`;
    return { status: 'failed', error: new ProviderError(MODERATED.test(task.task_status_msg ?? '') ? 'content_rejected' : 'transient', message, { detail: task.task_id }) };
  }
  return { status: 'pending', retryAfterMs: pollAfterMs };
}

/**
 * An answer whose envelope's `code` is not 0, as a ProviderError, by Kling's code table: 1000-1004
 * the JWT or its keys, 1100 and 1103 an account that may not call, 1101 arrears and 1102 a spent
 * resource pack, 1200-1201 the request, 1202-1203 a path or model that does not exist, 1300-1301
 * content policy, 1302-1303 rate and concurrency limits, 1304 an IP allowlist, 5000-5002 Kling's side.
 */
export function klingError(status: number, envelope: Partial<KlingEnvelope>, headers: { get(name: string): string | null }): ProviderError {
  const code = Number(envelope.code);
  const message = `kling: ${envelope.message ?? `HTTP ${status}`} (${status}${Number.isFinite(code) ? `, code ${code}` : ''})`;
  const detail = envelope.request_id ?? `HTTP ${status}`;
  if ((code >= 1000 && code <= 1004) || code === 1100 || code === 1103 || code === 1304) return new ProviderError('invalid_credentials', message, { detail });
  if (code === 1101 || code === 1102) return new ProviderError('quota_exhausted', message, { detail });
  if (code === 1302 || code === 1303) return new ProviderError('rate_limited', message, { retryAfterMs: retryAfterMs(headers) ?? RATE_LIMIT_WAIT_MS, detail });
  if (code === 1300 || code === 1301) return new ProviderError('content_rejected', message, { detail });
  if (code === 1200 || code === 1201) return new ProviderError('invalid_input', message, { detail });
  if (code === 1202 || code === 1203) return new ProviderError('unavailable', message, { detail });
  if (code >= 5000 && code <= 5002) return new ProviderError('transient', message, { detail });
  return providerErrorFromStatus(status >= 400 ? status : 502, message, headers);
}
