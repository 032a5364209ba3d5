import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../api/errors';
import { session } from '../../api/session';
import type { WatchedJob } from '../../components/poll-job';
import { checkPhoto, type SlotReport } from './compliance';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const report = (slot: string, pass: boolean): SlotReport => ({ slot, pass, rules: [] });
const photo = new File([new Uint8Array([0xff, 0xd8, 0xff])], 'shoe.jpg', { type: 'image/jpeg' });

/** Answers each call with the next of `answers`, recording the calls. */
function serve(answers: Response[]) {
  const calls: { url: string; body?: BodyInit | null }[] = [];
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit = {}) => {
    calls.push({ url, body: init.body });
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected call to ${url}`);
    return answer;
  }));
  return calls;
}

describe('checkPhoto', () => {
  const progress = { onJob: vi.fn(), onWait: vi.fn() };
  beforeEach(() => {
    session.set({ status: 'signed-in', accessToken: 't1' });
    progress.onJob.mockReset();
    progress.onWait.mockReset();
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('sends the photo, the slots (the one to fix for first) and fix, and reads the reports and the fixed photo', async () => {
    const fixed = { url: 'http://localhost:3000/api/v1/files/t', width: 2000, height: 2000, format: 'jpeg', bytes: 45000, compliance: [report('amazon-main', true)] };
    const calls = serve([json(200, { reports: [report('amazon-main', false), report('ebay-listing', true)], fixed })]);
    const outcome = await checkPhoto(photo, ['amazon-main', 'ebay-listing'], true, progress, new AbortController().signal);
    expect(outcome).toEqual({ reports: [report('amazon-main', false), report('ebay-listing', true)], fixed });
    expect(calls[0]!.url).toBe('/api/v1/compliance');
    const form = calls[0]!.body as FormData;
    expect([...form.keys()]).toEqual(['image', 'slots', 'fix']);
    expect(form.get('slots')).toBe('amazon-main,ebay-listing');
    expect(form.get('fix')).toBe('true');
    expect((form.get('image') as File).name).toBe('shoe.jpg');
  });

  it('checks only, without fix', async () => {
    const calls = serve([json(200, { reports: [report('etsy-listing', true)] })]);
    expect(await checkPhoto(photo, ['etsy-listing'], false, progress, new AbortController().signal)).toEqual({ reports: [report('etsy-listing', true)], fixed: null });
    expect((calls[0]!.body as FormData).has('fix')).toBe(false);
  });

  it('follows a fix that outlasts the wait through its job: the source reports and the fixed image from its report and output', async () => {
    vi.useFakeTimers();
    const running: WatchedJob = { id: 'job-1', type: 'compliance', status: 'processing', outputs: [], error: null };
    const done: WatchedJob = {
      ...running,
      status: 'completed',
      outputs: [{ id: 'img-1', url: 'http://localhost:3000/api/v1/files/t', width: 2000, height: 2000, format: 'jpeg', bytes: 45000 }],
      report: { compliance: [report('amazon-main', true)], sourceCompliance: [report('amazon-main', false)] },
    };
    const calls = serve([json(202, { id: 'job-1', status: 'processing', estimatedTime: 3, creditsBalance: 90 }), json(200, running), json(200, done)]);
    const checked = checkPhoto(photo, ['amazon-main'], true, progress, new AbortController().signal);
    await vi.runAllTimersAsync();
    expect(await checked).toEqual({
      reports: [report('amazon-main', false)],
      fixed: { url: 'http://localhost:3000/api/v1/files/t', width: 2000, height: 2000, format: 'jpeg', bytes: 45000, compliance: [report('amazon-main', true)] },
    });
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/compliance', '/api/v1/jobs/job-1', '/api/v1/jobs/job-1']);
    expect(progress.onJob.mock.calls.map(([job]) => job.status)).toEqual(['processing', 'completed']);
  });

  it('throws a failed fix job with its code and message', async () => {
    serve([json(202, { id: 'job-2', status: 'queued' }), json(200, { id: 'job-2', type: 'compliance', status: 'failed', outputs: [], error: { code: 'unprocessable_image', message: 'No subject was found in the image' } })]);
    await expect(checkPhoto(photo, ['amazon-main'], true, progress, new AbortController().signal)).rejects.toMatchObject({ code: 'unprocessable_image', message: 'No subject was found in the image' });
  });

  it('waits out a per-minute rate limit and sends the photo again', async () => {
    vi.useFakeTimers();
    const calls = serve([json(429, { error: { code: 'rate_limited', message: 'Too many requests' } }, { 'retry-after': '20' }), json(200, { reports: [] })]);
    const checked = checkPhoto(photo, ['amazon-main'], false, progress, new AbortController().signal);
    await vi.advanceTimersByTimeAsync(19_000);
    expect(calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await checked).toEqual({ reports: [], fixed: null });
    expect(calls).toHaveLength(2);
    expect(progress.onWait).toHaveBeenCalledWith(20);
  });

  it('does not wait hours for a daily quota: the refusal is thrown', async () => {
    serve([json(429, { error: { code: 'daily_limit_reached', message: 'Daily quota reached' } }, { 'retry-after': '35420' })]);
    const error = await checkPhoto(photo, ['amazon-main'], false, progress, new AbortController().signal).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 429, code: 'daily_limit_reached' });
    expect(progress.onWait).not.toHaveBeenCalled();
  });

  it('stops waiting when aborted', async () => {
    serve([json(429, { error: { code: 'rate_limited', message: 'Too many requests' } }, { 'retry-after': '30' })]);
    const controller = new AbortController();
    const checked = checkPhoto(photo, ['amazon-main'], false, progress, controller.signal);
    await vi.waitFor(() => expect(progress.onWait).toHaveBeenCalled());
    controller.abort();
    await expect(checked).rejects.toMatchObject({ name: 'AbortError' });
  });
});
