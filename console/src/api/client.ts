import { ApiError } from './errors';
import { selectedOrganization } from './organization';
import { accessToken, refreshSession, tokenAfterRefusal } from './session';

export type Query = Record<string, string | number | boolean | undefined | null>;

export interface ApiRequest {
  method?: string;
  /** A plain object goes as JSON; FormData and Blob as they are. */
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** `path` with the query's defined values appended. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  const search = params.toString();
  return search ? `${path}${path.includes('?') ? '&' : '?'}${search}` : path;
}

function encodeBody(body: unknown): { body?: BodyInit; type?: string } {
  if (body === undefined) return {};
  if (body instanceof FormData || body instanceof Blob || typeof body === 'string') return { body };
  return { body: JSON.stringify(body), type: 'application/json' };
}

async function refusedAccessToken(res: Response): Promise<boolean> {
  if (res.status !== 401) return false;
  const body = (await res.clone().json().catch(() => null)) as { error?: { code?: string } } | null;
  return body?.error?.code === 'invalid_access_token';
}

/**
 * Calls the API as the signed-in user: the bearer token, x-org-id for the selected organisation,
 * and one refresh and retry when the access token has expired. Answers the raw Response (for
 * screens that read headers or images); throws an ApiError only when the session has ended.
 */
export async function apiFetch(path: string, request: ApiRequest = {}): Promise<Response> {
  const { body, type } = encodeBody(request.body);
  const send = (token: string) => {
    const headers: Record<string, string> = { ...request.headers, authorization: `Bearer ${token}` };
    if (type) headers['content-type'] = type;
    const org = selectedOrganization.get();
    if (org && !('x-org-id' in headers)) headers['x-org-id'] = org;
    return fetch(withQuery(path, request.query), { method: request.method ?? 'GET', headers, body, signal: request.signal, credentials: 'same-origin' });
  };
  const token = accessToken() ?? (await refreshSession());
  if (!token) throw new ApiError(401, 'invalid_access_token', 'Your session has ended: sign in again');
  const res = await send(token);
  if (!(await refusedAccessToken(res))) return res;
  const fresh = await tokenAfterRefusal(token);
  if (!fresh) throw await ApiError.from(res);
  return send(fresh);
}

/** Calls the API and reads its JSON answer; any error answer is thrown as an ApiError. */
export async function api<T>(path: string, request: ApiRequest = {}): Promise<T> {
  const res = await apiFetch(path, request);
  if (!res.ok) throw await ApiError.from(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** Calls a route that needs no credentials (sign-up, verification). */
export async function publicApi<T>(path: string, request: ApiRequest = {}): Promise<T> {
  const { body, type } = encodeBody(request.body);
  const res = await fetch(withQuery(path, request.query), {
    method: request.method ?? 'GET',
    headers: { ...request.headers, ...(type ? { 'content-type': type } : {}) },
    body,
    signal: request.signal,
    credentials: 'same-origin',
  });
  if (!res.ok) throw await ApiError.from(res);
  return (await res.json()) as T;
}
