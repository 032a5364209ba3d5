import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createKey, PASSWORD, signUp, type TestUser } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

/** The default plans with the free plan's read limit cut to 3 a minute. */
const tinyPlans = readFileSync('config/plans.yaml', 'utf8').replace(/readsPerMinute: 300/, 'readsPerMinute: 3');

describe('plan throttling', () => {
  let t: TestApp;
  let user: TestUser;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_ATTEMPTS_PER_ACCOUNT: '4' }, { plansYaml: tinyPlans });
    user = await signUp(t);
  });
  afterAll(() => t.close());

  it('sends rate-limit headers and answers 429 past the plan limit, per key', async () => {
    const key = await createKey(t, user.accessToken, user.orgId, { name: 'a', scopes: ['credits:read'] });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await t.http().get('/api/v1/subscription').set(bearer(key.secret)).expect(200);
      expect(res.headers['x-ratelimit-limit']).toBe('3');
      expect(Number(res.headers['x-ratelimit-reset'])).toBeGreaterThan(0);
      expect(Number(res.headers['x-ratelimit-reset'])).toBeLessThanOrEqual(60);
      remaining.push(res.headers['x-ratelimit-remaining']);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const limited = await t.http().get('/api/v1/subscription').set(bearer(key.secret)).expect(429);
    expect(limited.body.error).toMatchObject({ code: 'rate_limited', limit: 3, retryAfter: expect.any(Number), requestId: expect.any(String) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['x-ratelimit-retry-after']).toBe(limited.headers['retry-after']);
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');

    // Another key of the same organisation has its own budget.
    const other = await createKey(t, user.accessToken, user.orgId, { name: 'b', scopes: ['credits:read'] });
    await t.http().get('/api/v1/subscription').set(bearer(other.secret)).expect(200);
  });

  it('slows sign-in attempts per account, even with the right password', async () => {
    const victim = await signUp(t);
    for (let i = 0; i < 4; i++) await t.http().post('/api/v1/auth/login').send({ email: victim.email, password: 'wrong-password-attempt' }).expect(401);
    await t.http().post('/api/v1/auth/login').send({ email: victim.email, password: PASSWORD }).expect(429);
    const res = await t.http().post('/api/v1/auth/login').send({ email: victim.email, password: 'another-wrong-guess' }).expect(429);
    expect(res.body.error.code).toBe('rate_limited');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('limits public routes per address but never health probes', async () => {
    const strict = await startTestApp({ PUBLIC_REQUESTS_PER_MINUTE: '3' });
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await strict.http().post('/api/v1/auth/verify-email').send({ token: 'x'.repeat(20) })).status);
      expect(statuses).toEqual([400, 400, 400, 429]);
      for (let i = 0; i < 10; i++) await strict.http().get('/healthz').expect(200);
    } finally {
      await strict.close();
    }
  });
});
