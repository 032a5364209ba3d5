import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdPoller } from './id-poller';

describe('IdPoller', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setUp = (check: (ids: string[]) => Promise<string[]>) => {
    const watched = new Set<string>();
    const hits: string[] = [];
    const poller = new IdPoller(() => [...watched], check, (id) => hits.push(id), 100);
    return { watched, hits, poller };
  };

  it('polls only while an id is watched, and reports the ids the check returns', async () => {
    const check = vi.fn(async (ids: string[]) => ids.filter((id) => id === 'b'));
    const { watched, hits, poller } = setUp(check);
    await vi.advanceTimersByTimeAsync(500);
    expect(check).not.toHaveBeenCalled();
    watched.add('a').add('b');
    poller.wake();
    await vi.advanceTimersByTimeAsync(100);
    expect(check).toHaveBeenCalledWith(['a', 'b']);
    expect(hits).toEqual(['b']);
    watched.clear();
    poller.settle();
    check.mockClear();
    await vi.advanceTimersByTimeAsync(500);
    expect(check).not.toHaveBeenCalled();
  });

  it('never runs two checks at once, and tries again after a failed one', async () => {
    let release: (ids: string[]) => void = () => undefined;
    const check = vi.fn()
      .mockImplementationOnce(() => Promise.reject(new Error('database gone')))
      .mockImplementationOnce(() => new Promise<string[]>((resolve) => (release = resolve)))
      .mockImplementation(async () => ['a']);
    const { watched, hits, poller } = setUp(check);
    watched.add('a');
    poller.wake();
    await vi.advanceTimersByTimeAsync(100);
    await vi.advanceTimersByTimeAsync(300);
    expect(check).toHaveBeenCalledTimes(2);
    release(['a']);
    await vi.advanceTimersByTimeAsync(100);
    expect(check).toHaveBeenCalledTimes(3);
    expect(hits).toEqual(['a', 'a']);
    poller.stop();
  });
});
