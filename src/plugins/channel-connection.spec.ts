import { describe, expect, it } from 'vitest';
import { MemoryTokenCache } from './channel-connection';

describe('MemoryTokenCache', () => {
  const clock = () => {
    const c = { now: 0, tick: (s: number) => (c.now += s * 1000) };
    return c;
  };

  it('keeps a token until a minute before it expires, then fetches a new one', async () => {
    const c = clock();
    const cache = new MemoryTokenCache(() => c.now);
    let n = 0;
    const fetch = async () => ({ token: `t${++n}`, expiresInSeconds: 3600 });
    expect(await cache.get('access', fetch)).toBe('t1');
    c.tick(3539);
    expect(await cache.get('access', fetch)).toBe('t1');
    c.tick(1);
    expect(await cache.get('access', fetch)).toBe('t2');
  });

  it('renews a short-lived token at 90% of its life', async () => {
    const c = clock();
    const cache = new MemoryTokenCache(() => c.now);
    let n = 0;
    const fetch = async () => ({ token: `t${++n}`, expiresInSeconds: 100 });
    await cache.get('k', fetch);
    c.tick(89);
    expect(await cache.get('k', fetch)).toBe('t1');
    c.tick(1);
    expect(await cache.get('k', fetch)).toBe('t2');
  });

  it('shares one fetch between calls that race, and keeps keys apart', async () => {
    const cache = new MemoryTokenCache();
    let calls = 0;
    const fetch = () => new Promise<{ token: string; expiresInSeconds: number }>((resolve) => setTimeout(() => resolve({ token: `t${++calls}`, expiresInSeconds: 3600 }), 5));
    expect(await Promise.all([cache.get('a', fetch), cache.get('a', fetch), cache.get('a', fetch)])).toEqual(['t1', 't1', 't1']);
    expect(await cache.get('b', fetch)).toBe('t2');
  });

  it('keeps nothing from a failed fetch', async () => {
    const cache = new MemoryTokenCache();
    await expect(cache.get('a', async () => Promise.reject(new Error('store down')))).rejects.toThrow('store down');
    expect(await cache.get('a', async () => ({ token: 'ok', expiresInSeconds: 60 }))).toBe('ok');
  });

  it('drops a refused token, but not a newer one fetched meanwhile', async () => {
    const cache = new MemoryTokenCache();
    let n = 0;
    const fetch = async () => ({ token: `t${++n}`, expiresInSeconds: 3600 });
    await cache.get('a', fetch);
    cache.drop('a', 't1');
    expect(await cache.get('a', fetch)).toBe('t2');
    cache.drop('a', 't1');
    expect(await cache.get('a', fetch)).toBe('t2');
    cache.drop('a');
    expect(await cache.get('a', fetch)).toBe('t3');
  });
});
