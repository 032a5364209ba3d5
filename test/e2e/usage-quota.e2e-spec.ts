import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlansService } from '../../src/config/plans.service';
import { UsageService } from '../../src/throttling/usage.service';
import { UsageRepository } from '../../src/throttling/usage.repository';
import { signUp } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

describe('daily quota on the real database', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('never lets concurrent work go past the cap', async () => {
    const { orgId } = await signUp(t);
    const repo = t.app.get(UsageRepository);
    const results = await Promise.all(Array.from({ length: 25 }, () => repo.tryConsume(orgId, '2030-01-01', 1, 10)));
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(await repo.unitsOn(orgId, '2030-01-01')).toBe(10);
    expect(await repo.tryConsume(orgId, '2030-01-01', 5, null)).toBe(true);
    expect(await repo.unitsOn(orgId, '2030-01-01')).toBe(15);
  });

  it('shows today\'s usage in the subscription and answers daily_limit_reached past it', async () => {
    const user = await signUp(t);
    const plan = { ...t.app.get(PlansService).get('free'), dailyImages: 3 };
    const usage = t.app.get(UsageService);
    await usage.consumeDaily(user.orgId, plan, 2);
    await expect(usage.consumeDaily(user.orgId, plan, 2)).rejects.toMatchObject({ code: 'daily_limit_reached', status: 429 });
    const sub = await t.http().get('/api/v1/subscription').set('authorization', `Bearer ${user.accessToken}`).expect(200);
    expect(sub.body.usage).toMatchObject({ images: 2, day: new Date().toISOString().slice(0, 10) });
  });
});
