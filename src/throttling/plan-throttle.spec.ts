import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { beforeEach, describe, expect, it } from 'vitest';
import { RequireScope, WorkRequest } from '../tenancy/access.decorators';
import type { RequestAuth } from '../tenancy/principal';
import type { AppConfig } from '../config/app-config';
import { loadConfig } from '../config/load-config';
import { PlansService } from '../config/plans.service';
import { AppError } from '../common/errors/app-error';
import type { OrgDirectory } from '../tenancy/org-directory';
import { FixedWindowStorage } from './fixed-window.storage';
import { RouteMetadataReader } from '../tenancy/route-metadata';
import { PlanThrottle } from './plan-throttle';
import type { IdempotentReplays } from '../jobs/idempotent-replays';
import type { UsageRepository } from './usage.repository';
import { UsageService } from './usage.service';

/** In-memory stand-in for the usage table, with the same all-or-nothing rule. */
class FakeUsageRepository {
  units = new Map<string, number>();
  async unitsOn(orgId: string, day: string) {
    return this.units.get(`${orgId}:${day}`) ?? 0;
  }
  async tryConsume(orgId: string, day: string, units: number, cap: number | null) {
    const now = await this.unitsOn(orgId, day);
    if (cap !== null && now + units > cap) return false;
    this.units.set(`${orgId}:${day}`, now + units);
    return true;
  }
}

class ExampleController {
  @RequireScope('jobs:read')
  poll() {}

  @RequireScope('images:generate')
  @WorkRequest({ units: (body) => (body as { n: number }).n })
  generate() {}
}

describe('PlanThrottle', () => {
  let config: AppConfig;
  let throttle: PlanThrottle;
  const routes = new RouteMetadataReader(new Reflector());
  let usage: FakeUsageRepository;
  const auth: RequestAuth = {
    principal: { kind: 'api_key', keyId: 'k1', keyType: 'live', orgId: 'org1', teamId: null, scopes: new Set() },
    endUserId: null,
    orgId: 'org1',
    scopes: new Set(),
    role: null,
  };

  beforeEach(() => {
    config = loadConfig({ CONFIG_DIR: 'config', DATA_DIR: '/tmp/unused' });
    config.plans.plans.free.workPerMinute = 2;
    config.plans.plans.free.readsPerMinute = 3;
    config.plans.plans.free.dailyImages = 5;
    usage = new FakeUsageRepository();
    const orgs = { getOrg: async (id: string) => ({ id, name: 'Org', plan: 'free' }) } as unknown as OrgDirectory;
    // Stands in for the kept Idempotency-Key answers: a request with this key repeats a completed one.
    const replays = { isReplay: async (req: FastifyRequest) => req.headers['idempotency-key'] === 'completed-key' } as unknown as IdempotentReplays;
    throttle = new PlanThrottle(new PlansService(config), orgs, new UsageService(usage as unknown as UsageRepository), replays, new FixedWindowStorage(), config);
  });

  const call = async (handler: 'poll' | 'generate', body: unknown = {}, requestHeaders: Record<string, string> = {}) => {
    const headers: Record<string, string> = {};
    const req = { auth, body, ip: '127.0.0.1', headers: requestHeaders };
    const reply = { header: (k: string, v: unknown) => (headers[k] = String(v)) };
    const { access, work } = routes.of(new ExecutionContextHost([req, reply], ExampleController, ExampleController.prototype[handler]));
    try {
      await throttle.check(req as unknown as FastifyRequest, reply as unknown as FastifyReply, access, work);
      return { ok: true as const, headers };
    } catch (err) {
      return { ok: false as const, headers, error: err as AppError };
    }
  };

  it('counts work and reads apart, so polling never uses up the budget for creating work', async () => {
    for (let i = 0; i < 3; i++) expect((await call('poll')).ok).toBe(true);
    expect((await call('poll')).error?.code).toBe('rate_limited');
    const work = await call('generate', { n: 1 });
    expect(work).toMatchObject({ ok: true, headers: { 'x-ratelimit-limit': '2', 'x-ratelimit-remaining': '1' } });
    expect((await call('generate', { n: 1 })).ok).toBe(true);
    expect((await call('generate', { n: 1 })).error?.code).toBe('rate_limited');
  });

  it('charges the daily quota by the units a work request asks for', async () => {
    expect((await call('generate', { n: 2 })).ok).toBe(true);
    const over = await call('generate', { n: 4 });
    expect(over.error).toBeInstanceOf(AppError);
    expect(over.error).toMatchObject({ code: 'daily_limit_reached', details: { limit: 5, resetsAt: expect.any(String) } });
    expect(Number(over.error!.headers['retry-after'])).toBeGreaterThan(0);
    expect([...usage.units.values()]).toEqual([2]);
  });

  it('counts no replay of a completed Idempotency-Key, against the minute or the day', async () => {
    expect((await call('generate', { n: 2 })).ok).toBe(true);
    expect((await call('generate', { n: 2 })).ok).toBe(true);
    expect((await call('generate', { n: 1 })).error?.code).toBe('rate_limited');
    for (let i = 0; i < 3; i++) expect(await call('generate', { n: 2 }, { 'idempotency-key': 'completed-key' })).toEqual({ ok: true, headers: {} });
    expect([...usage.units.values()]).toEqual([4]);
  });

  it('leaves the daily quota alone on plans without one', async () => {
    config.plans.plans.free.dailyImages = null;
    expect((await call('generate', { n: 4 })).ok).toBe(true);
    expect((await call('generate', { n: 4 })).ok).toBe(true);
  });
});
