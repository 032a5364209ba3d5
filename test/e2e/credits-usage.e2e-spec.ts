import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditsService } from '../../src/credits/credits.service';
import { bearer, createKey, signUp, type TestUser } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

describe('GET /api/v1/credits/usage: credits spent and granted per UTC day', () => {
  let t: TestApp;
  let user: TestUser;
  let key: string;
  beforeAll(async () => {
    t = await startTestApp();
    user = await signUp(t); // 100 credits granted today
    key = (await createKey(t, user.accessToken, user.orgId, { name: 'usage', scopes: ['credits:read'] })).secret;
    // Work paid for (captured), work that failed (released) and work still running (held).
    const credits = t.app.get(CreditsService);
    await credits.capture(user.orgId, (await credits.reserve(user.orgId, 7, 'job-done', 'test work')).id);
    await credits.release(user.orgId, (await credits.reserve(user.orgId, 5, 'job-failed', 'test work')).id);
    await credits.reserve(user.orgId, 3, 'job-running', 'test work');
  });
  afterAll(() => t?.close());

  it('answers every day of the period, today last: spent net of releases, granted, reservations', async () => {
    const res = await t.http().get('/api/v1/credits/usage?days=7').set(bearer(key)).expect(200);
    const today = new Date().toISOString().slice(0, 10);
    expect(res.body.data).toHaveLength(7);
    expect(res.body.to).toBe(today);
    expect(res.body.from).toBe(new Date(Date.now() - 6 * 86_400_000).toISOString().slice(0, 10));
    expect(res.body.data[6]).toEqual({ date: today, spent: 10, granted: 100, reservations: 3 });
    expect(res.body.data.slice(0, 6).every((d: { spent: number; granted: number }) => d.spent === 0 && d.granted === 0)).toBe(true);
    expect((await t.http().get('/api/v1/credits/usage').set(bearer(key)).expect(200)).body.data).toHaveLength(30);
  });

  it('refuses a period out of bounds, and a key without credits:read', async () => {
    for (const days of ['0', '367', 'x']) expect((await t.http().get(`/api/v1/credits/usage?days=${days}`).set(bearer(key)).expect(400)).body.error.code).toBe('validation_failed');
    const other = await createKey(t, user.accessToken, user.orgId, { name: 'no-credits', scopes: ['images:read'] });
    expect((await t.http().get('/api/v1/credits/usage').set(bearer(other.secret)).expect(403)).body.error.code).toBe('insufficient_scope');
  });
});
