import RunwayML, { APIConnectionError, APIError, APIUserAbortError } from '@runwayml/sdk';
import {
  ProviderError, providerErrorFromStatus, retryAfterMs, type PollResult, type ProviderCallReport, type VideoAtUrl, type VideoInput,
} from '../../../src/plugins';
import type { RunwayModelOptions } from './runway-options.dto';

type Task = RunwayML.TaskRetrieveResponse;

/** Runway's prices are in its own credits. */
export const RUNWAY_CURRENCY = 'runway-credits';

/** Runway refuses a data URI of 5 MB or more (docs.dev.runwayml.com/assets/inputs). */
const MAX_DATA_URI_LENGTH = 5 * 1024 * 1024;

/** Runway's 429 carries no documented wait; its errors page asks for a backoff, and this is the first step of one. */
const RATE_LIMIT_WAIT_MS = 5_000;

/** A task's failure codes: SAFETY.* is moderation (never retried), INTERNAL.* Runway's own trouble (docs.dev.runwayml.com/errors/task-failures). */
const MODERATED = /(^|\.)SAFETY\./;
const INVALID_ASSET = /^ASSET\./;

/** A video task as Runway takes it: which endpoint, its body, and the length it renders. */
export interface TaskRequest {
  endpoint: 'text_to_video' | 'image_to_video';
  body: Record<string, unknown>;
  seconds: number;
}

/** The length a model renders for the one asked: the shortest it offers at least as long, undefined when it offers none. */
export function renderedSeconds(model: Pick<RunwayModelOptions, 'durations'>, asked: number | undefined): number | undefined {
  return asked === undefined ? model.durations[0] : model.durations.find((d) => d >= asked);
}

/** A Darkroom video request as a Runway task: text-to-video without a first frame, image-to-video with one (sent as a data URI). */
export function taskRequest(input: VideoInput, model: RunwayModelOptions): TaskRequest {
  const ratio = `${input.width}:${input.height}`;
  if (!model.ratios.includes(ratio)) throw new ProviderError('invalid_input', `runway: ${model.id} renders ${model.ratios.join(', ')} (WIDTH:HEIGHT), not ${ratio}`);
  const seconds = renderedSeconds(model, input.durationSeconds);
  if (seconds === undefined) throw new ProviderError('invalid_input', `runway: ${model.id} renders at most ${model.durations.at(-1)} seconds`);
  if (!input.image && model.firstFrame === 'required') {
    throw new ProviderError('invalid_input', `runway: ${model.id} animates a first frame and cannot start from a prompt alone: send an image with the request`);
  }
  const body: Record<string, unknown> = { ...model.input, model: model.model, promptText: input.prompt, ratio, duration: seconds, seed: runwaySeed(input.seed) };
  if (model.negativePrompt && input.negativePrompt) body.negativePrompt = input.negativePrompt;
  if (!input.image) return { endpoint: 'text_to_video', body, seconds };
  const promptImage = `data:${input.image.mimeType};base64,${input.image.data.toString('base64')}`;
  if (promptImage.length >= MAX_DATA_URI_LENGTH) throw new ProviderError('invalid_input', 'runway: the first frame is too large (Runway takes images of up to about 3.7 MB as data)');
  return { endpoint: 'image_to_video', body: { ...body, promptImage }, seconds };
}

/** Runway's seeds are 0 to 2^32 - 1. */
function runwaySeed(seed: number): number {
  return Math.abs(Math.trunc(seed)) % 2 ** 32;
}

/** The remote id the core keeps: Runway's task id and the length asked of it (the task does not say). */
export function remoteIdOf(taskId: string, seconds: number): string {
  return `${taskId}:${seconds}`;
}

export function parseRemoteId(remoteId: string): { taskId: string; seconds?: number } {
  const at = remoteId.lastIndexOf(':');
  if (at < 0) return { taskId: remoteId };
  return { taskId: remoteId.slice(0, at), seconds: Number(remoteId.slice(at + 1)) || undefined };
}

/** Where a task stands, as the core's poll answer; its progress and final cost go to `report`. */
export function pollResult(task: Task, seconds: number | undefined, pollIntervalMs: number, report: (r: ProviderCallReport) => void): PollResult {
  switch (task.status) {
    case 'PENDING':
    case 'THROTTLED':
      return { status: 'pending', retryAfterMs: pollIntervalMs };
    case 'RUNNING':
      if (Number.isFinite(task.progress)) report({ progress: Math.min(1, Math.max(0, task.progress)) });
      return { status: 'pending', retryAfterMs: pollIntervalMs };
    case 'SUCCEEDED': {
      report({ cost: { amount: task.cost.credits, currency: RUNWAY_CURRENCY }, progress: 1 });
      if (!task.output.length) return { status: 'failed', error: new ProviderError('transient', `runway: task ${task.id} succeeded with no video`, { detail: task.id }) };
      return { status: 'done', outputs: task.output.map((url): VideoAtUrl => ({ url, mimeType: 'video/mp4', ...(seconds ? { durationSeconds: seconds } : {}) })) };
    }
    case 'FAILED':
      report({ cost: { amount: task.cost.credits, currency: RUNWAY_CURRENCY } });
      return { status: 'failed', error: taskFailure(task) };
    case 'CANCELLED':
      return { status: 'failed', error: new ProviderError('unavailable', `runway: task ${task.id} was cancelled at Runway`, { detail: task.id }) };
  }
}

function taskFailure(task: Extract<Task, { status: 'FAILED' }>): ProviderError {
  const code = task.failureCode ?? '';
  const message = `runway: task ${task.id} failed${code ? ` (${code})` : ''}: ${task.failure}`;
  if (MODERATED.test(code)) return new ProviderError('content_rejected', message, { detail: code });
  if (INVALID_ASSET.test(code)) return new ProviderError('invalid_input', message, { detail: code });
  return new ProviderError('transient', message, { detail: code || task.id });
}

/**
 * What the SDK threw, as a ProviderError; the job's own abort is handed back as it is. Runway answers
 * `{error, issues?}`: 401 a refused key, 429 a rate limit (no documented wait, so a backoff's first
 * step), 400 bad input unless it says the balance is short (quota_exhausted; "You do not have enough
 * credits to run this task.") or refuses the model (unavailable: retired), 404 a task not there, 502
 * to 504 shedding load.
 */
export function providerErrorOf(err: unknown): unknown {
  if (err instanceof ProviderError || err instanceof APIUserAbortError) return err;
  if (err instanceof APIConnectionError) return new ProviderError('transient', `runway could not be reached: ${err.message}`, { cause: err });
  if (!(err instanceof APIError) || err.status === undefined) return err;
  const text = errorText(err.error);
  const message = `runway: ${text || 'an error'} (HTTP ${err.status})`;
  if ((err.status === 400 || err.status === 402) && /enough credits|insufficient credits|credit balance/i.test(text)) return new ProviderError('quota_exhausted', message, { detail: `HTTP ${err.status}` });
  if (err.status === 429) return new ProviderError('rate_limited', message, { retryAfterMs: (err.headers && retryAfterMs(err.headers)) ?? RATE_LIMIT_WAIT_MS, detail: 'HTTP 429' });
  // The configured model is not one Runway takes (any more): asking again will not help.
  if (err.status === 400 && issuePaths(err.error).includes('model')) return new ProviderError('unavailable', message, { detail: 'HTTP 400' });
  return providerErrorFromStatus(err.status, message, err.headers);
}

interface ErrorBody {
  error?: unknown;
  issues?: Array<{ path?: unknown[]; message?: string }>;
}

/** Runway's error body: `{error: "..."}`, with `issues: [{path, message}]` when the body failed validation (the issues' shape is NC). */
function errorText(body: unknown): string {
  const { error, issues } = (body && typeof body === 'object' ? body : {}) as ErrorBody;
  const details = Array.isArray(issues) ? issues.map((i) => `${(i.path ?? []).join('.')}: ${i.message ?? ''}`).join('; ') : '';
  return [typeof error === 'string' ? error : '', details].filter(Boolean).join(': ');
}

function issuePaths(body: unknown): string[] {
  const { issues } = (body && typeof body === 'object' ? body : {}) as ErrorBody;
  return Array.isArray(issues) ? issues.map((i) => (i.path ?? []).join('.')) : [];
}
