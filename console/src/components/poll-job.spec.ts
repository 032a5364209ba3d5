import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { pollJob, progressText, type WatchedJob } from './poll-job';

const job = (status: WatchedJob['status'], progress?: WatchedJob['progress']): WatchedJob => ({ id: 'job-1', type: 'batch', status, outputs: [], error: null, progress });

describe('pollJob', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reads the job every second, telling each reading, until it ends', async () => {
    const readings = [job('queued'), job('processing', { done: 1, total: 2 }), job('completed', { done: 2, total: 2 })];
    const read = vi.fn(async () => readings.shift()!);
    const seen: string[] = [];
    const polled = pollJob(read, (j) => seen.push(j.status), new AbortController().signal);
    await vi.advanceTimersByTimeAsync(999);
    expect(read).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(1001);
    expect((await polled).status).toBe('completed');
    expect(seen).toEqual(['queued', 'processing', 'completed']);
  });

  it('stops when aborted', async () => {
    const controller = new AbortController();
    const read = vi.fn(async () => job('processing'));
    const polled = pollJob(read, () => undefined, controller.signal);
    await vi.advanceTimersByTimeAsync(2500);
    controller.abort();
    await expect(polled).rejects.toMatchObject({ name: 'AbortError' });
    await vi.advanceTimersByTimeAsync(5000);
    expect(read).toHaveBeenCalledTimes(3);
  });
});

describe('progressText', () => {
  it('counts done of total, or done alone while the total is unknown', () => {
    expect(progressText(job('processing', { done: 3, total: 10 }))).toBe('3 of 10');
    expect(progressText(job('processing', { done: 40, total: null }))).toBe('40 done');
    expect(progressText(job('processing'))).toBeNull();
  });
});
