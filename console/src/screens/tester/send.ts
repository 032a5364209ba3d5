import { api, apiFetch } from '../../api/client';
import { ApiError } from '../../api/errors';
import type { WatchedJob } from '../../components/poll-job';
import { fetchBody, type TesterRequest } from './request';

/** What came back, as the tester shows it. */
export interface TesterResponse {
  status: number;
  statusText: string;
  /** From sending to the whole body read. */
  ms: number;
  /** Every header the browser lets the page read, by name. */
  headers: [string, string][];
  json?: unknown;
  text?: string;
  /** An image answer, as an object URL. */
  image?: string;
  /** An error answer in the API's shape. */
  error?: ApiError;
}

/**
 * Sends with the session (the bearer, x-org-id and a refresh when it has expired), or, given a
 * pasted key, with that key alone and nothing of the session: the answer is the key's.
 */
export function sendRequest(request: TesterRequest, apiKey: string, signal: AbortSignal): Promise<Response> {
  const body = fetchBody(request);
  if (!apiKey) return apiFetch(request.url, { method: request.method, headers: request.headers, body, signal });
  const headers: Record<string, string> = { ...request.headers, authorization: `Bearer ${apiKey}` };
  let payload: BodyInit | undefined;
  if (body instanceof FormData) payload = body;
  else if (body) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  return fetch(request.url, { method: request.method, headers, body: payload, signal, credentials: 'omit' });
}

export async function readResponse(res: Response, started: number): Promise<TesterResponse> {
  const contentType = res.headers.get('content-type') ?? '';
  const error = res.ok ? undefined : await ApiError.from(res.clone());
  const read: Omit<TesterResponse, 'ms'> = { status: res.status, statusText: res.statusText, headers: [...res.headers.entries()].sort(([a], [b]) => a.localeCompare(b)), error };
  if (contentType.startsWith('image/')) read.image = URL.createObjectURL(await res.blob());
  else {
    const text = await res.text();
    try {
      read.json = contentType.includes('json') && text ? JSON.parse(text) : undefined;
    } catch {
      // Not JSON after all: shown as text.
    }
    if (read.json === undefined) read.text = text;
  }
  return { ...read, ms: Math.round(performance.now() - started) };
}

/** Reads a job with the credentials the request went with. */
export function jobReader(apiKey: string): (id: string, signal: AbortSignal) => Promise<WatchedJob> {
  return async (id, signal) => {
    const path = `/api/v1/jobs/${encodeURIComponent(id)}`;
    if (!apiKey) return api<WatchedJob>(path, { signal });
    const res = await fetch(path, { headers: { authorization: `Bearer ${apiKey}` }, signal, credentials: 'omit' });
    if (!res.ok) throw await ApiError.from(res);
    return (await res.json()) as WatchedJob;
  };
}

/** The job a 202 answer asks to poll. */
export function acceptedJobId(response: TesterResponse): string | null {
  const body = response.json as { id?: unknown } | undefined;
  return response.status === 202 && typeof body?.id === 'string' ? body.id : null;
}

/** Every image link (`url` of an output, a studio result, a fix) anywhere in an answer. */
export function imageUrlsIn(value: unknown): string[] {
  const found = new Set<string>();
  const walk = (v: unknown, key?: string) => {
    if (typeof v === 'string') {
      if (key === 'url' && v.includes('/api/v1/files/')) found.add(v);
    } else if (Array.isArray(v)) v.forEach((item) => walk(item));
    else if (v && typeof v === 'object') for (const [k, item] of Object.entries(v)) walk(item, k);
  };
  walk(value);
  return [...found];
}

/** The headers worth reading first: the rate limit, a replay, the request's id. */
export function headerHighlights(headers: [string, string][]): { label: string; value: string }[] {
  const get = (name: string) => headers.find(([n]) => n === name)?.[1];
  const highlights: { label: string; value: string }[] = [];
  const limit = get('x-ratelimit-limit');
  if (limit) highlights.push({ label: 'Rate limit', value: `${get('x-ratelimit-remaining') ?? '?'} of ${limit} left; the window resets in ${get('x-ratelimit-reset') ?? '?'} s` });
  const retryAfter = get('retry-after');
  if (retryAfter) highlights.push({ label: 'Retry after', value: `${retryAfter} s` });
  highlights.push({ label: 'Idempotent replay', value: get('idempotent-replayed') === 'true' ? 'yes: the first answer to this Idempotency-Key, replayed' : 'no' });
  const preference = get('preference-applied');
  if (preference) highlights.push({ label: 'Preference applied', value: preference });
  const requestId = get('x-request-id');
  if (requestId) highlights.push({ label: 'Request id', value: requestId });
  return highlights;
}
