import { afterEach, describe, expect, it, vi } from 'vitest';
import { selectedOrganization } from '../../api/organization';
import { session } from '../../api/session';
import { acceptedJobId, headerHighlights, imageUrlsIn, jobReader, readResponse, sendRequest, type TesterResponse } from './send';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

/** Records what fetch was given, answering `answer`. */
function recordFetch(answer: () => Response) {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    calls.push({ url, init });
    return answer();
  }));
  return calls;
}

describe('sendRequest', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    session.set({ status: 'unknown' });
    selectedOrganization.set(null);
  });

  it('with a pasted key, sends that key alone: no session token, no organisation, no cookie', async () => {
    session.set({ status: 'signed-in', accessToken: 'session-token' });
    selectedOrganization.set('org-1');
    const calls = recordFetch(() => json(202, { id: 'job-1' }));
    await sendRequest({ method: 'POST', url: '/api/v1/images/generations', headers: { Prefer: 'wait=5' }, body: { type: 'json', value: { prompt: 'sea' } } }, 'drk_live_abc', new AbortController().signal);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.init).toMatchObject({
      method: 'POST',
      headers: { Prefer: 'wait=5', authorization: 'Bearer drk_live_abc', 'content-type': 'application/json' },
      body: '{"prompt":"sea"}',
      credentials: 'omit',
    });
  });

  it('without a key, sends with the session: its token and the selected organisation', async () => {
    session.set({ status: 'signed-in', accessToken: 'session-token' });
    selectedOrganization.set('org-1');
    const calls = recordFetch(() => json(200, {}));
    await sendRequest({ method: 'GET', url: '/api/v1/jobs', headers: {} }, '', new AbortController().signal);
    expect(calls[0]!.init.headers).toEqual({ authorization: 'Bearer session-token', 'x-org-id': 'org-1' });
  });

  it('reads a job with the same credentials', async () => {
    const calls = recordFetch(() => json(200, { id: 'job-1', status: 'completed' }));
    expect(await jobReader('drk_live_abc')('job 1', new AbortController().signal)).toEqual({ id: 'job-1', status: 'completed' });
    expect(calls[0]).toMatchObject({ url: '/api/v1/jobs/job%201', init: { headers: { authorization: 'Bearer drk_live_abc' }, credentials: 'omit' } });
  });
});

describe('readResponse', () => {
  it('reads an error answer as JSON and as the API error, with every header', async () => {
    const read = await readResponse(json(429, { error: { code: 'rate_limited', message: 'Slow down', requestId: 'r-1' } }, { 'retry-after': '12' }), performance.now());
    expect(read).toMatchObject({ status: 429, json: { error: { code: 'rate_limited' } }, error: { code: 'rate_limited', message: 'Slow down' } });
    expect(read.headers).toContainEqual(['retry-after', '12']);
    expect(read.text).toBeUndefined();
  });

  it('keeps a body that is not JSON as text, and an image as an object URL', async () => {
    expect(await readResponse(new Response('plain words', { status: 200, headers: { 'content-type': 'text/plain' } }), 0)).toMatchObject({ text: 'plain words', json: undefined });
    const image = await readResponse(new Response(new Uint8Array([1, 2]), { headers: { 'content-type': 'image/png' } }), 0);
    expect(image.image).toMatch(/^blob:/);
    URL.revokeObjectURL(image.image!);
  });
});

describe('what the tester reads in an answer', () => {
  const answer = (status: number, body: unknown, headers: [string, string][] = []): TesterResponse => ({ status, statusText: '', ms: 1, headers, json: body });

  it('polls a 202 with an id, nothing else', () => {
    expect(acceptedJobId(answer(202, { id: 'job-1', status: 'queued' }))).toBe('job-1');
    expect(acceptedJobId(answer(200, { id: 'job-1', status: 'completed' }))).toBeNull();
    expect(acceptedJobId(answer(202, { status: 'queued' }))).toBeNull();
  });

  it('finds the image links of outputs, a studio result and a fix, once each', () => {
    const files = (n: number) => `http://localhost:3000/api/v1/files/token-${n}`;
    const body = { url: files(1), outputs: [{ url: files(2) }, { url: files(2) }], fixed: { url: files(3) }, links: { docs: 'https://example.com/url' }, source: { url: 'https://example.com/shoe.jpg' } };
    expect(imageUrlsIn(body)).toEqual([files(1), files(2), files(3)]);
  });

  it('puts the rate limit, a replay and the request id first', () => {
    expect(headerHighlights([
      ['idempotent-replayed', 'true'],
      ['x-ratelimit-limit', '5'],
      ['x-ratelimit-remaining', '4'],
      ['x-ratelimit-reset', '60'],
      ['x-request-id', 'r-1'],
    ])).toEqual([
      { label: 'Rate limit', value: '4 of 5 left; the window resets in 60 s' },
      { label: 'Idempotent replay', value: 'yes: the first answer to this Idempotency-Key, replayed' },
      { label: 'Request id', value: 'r-1' },
    ]);
    expect(headerHighlights([])).toEqual([{ label: 'Idempotent replay', value: 'no' }]);
  });
});
