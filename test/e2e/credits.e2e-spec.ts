import { EntityManager } from '@mikro-orm/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditsRepository } from '../../src/credits/credits.repository';
import { CreditsService } from '../../src/credits/credits.service';
import { Job } from '../../src/jobs/job.entity';
import { JobsRepository } from '../../src/jobs/jobs.repository';
import { bearer, createKey, signUp, uniqueEmail, type TestUser } from '../support/accounts';
import { startTestApp, type TestApp } from '../support/test-app';

describe('credits', () => {
  let t: TestApp;
  let user: TestUser;
  let operator: TestUser;
  const operatorEmail = uniqueEmail('ops');
  beforeAll(async () => {
    t = await startTestApp({ ADMIN_EMAILS: operatorEmail });
    user = await signUp(t);
    operator = await signUp(t, { email: operatorEmail });
  });
  afterAll(() => t.close());

  it('shows balance, reserved credits, the ledger and the packs', async () => {
    const key = await createKey(t, user.accessToken, user.orgId, { name: 'c', scopes: ['credits:read'] });
    await t.http().get('/api/v1/credits').set(bearer(key.secret)).expect(200, { creditsBalance: 100, reserved: 0 });
    const ledger = await t.http().get('/api/v1/credits/ledger').set(bearer(key.secret)).expect(200);
    expect(ledger.body.data).toEqual([expect.objectContaining({ amount: 100, kind: 'starting_grant', settles: null })]);
    const packs = await t.http().get('/api/v1/credits/packs').set(bearer(key.secret)).expect(200);
    expect(packs.body.data).toContainEqual({ id: 'starter', name: 'Starter', credits: 500, price: '5.00 USD' });
  });

  it('lets operators grant credits or a pack, and records it', async () => {
    const url = `/api/v1/admin/orgs/${user.orgId}/credits`;
    await t.http().post(url).set(bearer(user.accessToken)).send({ amount: 50 }).expect(404);
    await t.http().post(url).set(bearer(operator.accessToken)).send({ amount: 50, reason: 'support ticket 12' }).expect(201, { creditsBalance: 150, granted: 50 });
    await t.http().post(url).set(bearer(operator.accessToken)).send({ pack: 'starter' }).expect(201, { creditsBalance: 650, granted: 500 });
    for (const body of [{}, { amount: 5, pack: 'starter' }, { pack: 'platinum' }, { amount: -5 }, { amount: 1.5 }]) {
      const res = await t.http().post(url).set(bearer(operator.accessToken)).send(body).expect(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
    await t.http().post(`/api/v1/admin/orgs/00000000-0000-7000-8000-000000000000/credits`).set(bearer(operator.accessToken)).send({ amount: 5 }).expect(404);
    const audit = await t.http().get(`/api/v1/orgs/${user.orgId}/audit-log?action=credits.granted`).set(bearer(user.accessToken)).expect(200);
    expect(audit.body.data).toHaveLength(2);
  });

  describe('reservations', () => {
    it('accept exactly as many of 100 concurrent reservations as the balance covers', async () => {
      const { orgId } = await signUp(t); // 100 credits
      const credits = t.app.get(CreditsService);
      const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => credits.reserve(orgId, 3, `job-${i}`, 'test work')));
      const accepted = results.filter((r) => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(accepted).toHaveLength(33);
      expect(refused[0].reason).toMatchObject({ code: 'insufficient_credits', status: 402, details: { creditsNeeded: 3, creditsBalance: 1 } });
      const repo = t.app.get(CreditsRepository);
      expect(await repo.balance(orgId)).toBe(1);
      expect((await repo.summary(orgId)).reserved).toBe(99);
      const ledger = await repo.list(orgId, { limit: 1000 });
      expect(ledger.reduce((sum, e) => sum + e.amount, 0)).toBe(1);
    });

    it('made together, are taken in the order made, each whole or refused, answering the balance just after each', async () => {
      const { orgId } = await signUp(t); // 100 credits
      const credits = t.app.get(CreditsService);
      const part = (amount: number, i: number) => ({ amount, referenceId: `job-${i}`, reason: 'test work', alongWith: [] });
      const results = await Promise.allSettled([
        credits.reserveEach(orgId, [part(60, 1)]),
        credits.reserveEach(orgId, [part(50, 2)]),
        credits.reserveEach(orgId, [part(30, 3), part(10, 4)]),
        credits.reserveEach(orgId, [part(1, 5)]),
      ]);
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value.creditsBalance : (r.reason as { code: string }).code))).toEqual([40, 'insufficient_credits', 0, 'insufficient_credits']);
      expect(await credits.summary(orgId)).toEqual({ creditsBalance: 0, reserved: 100 });
    });

    it('made together, fail alone when their rows cannot be written: the others and their jobs are written', async () => {
      const { orgId } = await signUp(t); // 100 credits
      const credits = t.app.get(CreditsService);
      const job = (ofOrg: string) => Object.assign(new Job(), { orgId: ofOrg, type: 'images.generate', input: {}, createdBy: 'test' });
      // The second job names an organisation that does not exist: its insert breaks the foreign key.
      const jobs = [job(orgId), job('00000000-0000-7000-8000-000000000000'), job(orgId)];
      const results = await Promise.allSettled(jobs.map((j, i) => credits.reserveEach(orgId, [{ amount: 10 * (i + 1), referenceId: j.id, reason: 'test work', alongWith: [j] }])));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      const rows = t.app.get(JobsRepository);
      expect(await Promise.all(jobs.map(async (j) => (await rows.getById(j.id))?.reservationId ?? null))).toEqual([jobs[0].reservationId, null, jobs[2].reservationId]);
      expect(await credits.summary(orgId)).toEqual({ creditsBalance: 60, reserved: 40 });
    });

    it('capture spends, release returns, and each reservation settles only once', async () => {
      const { orgId } = await signUp(t);
      const credits = t.app.get(CreditsService);
      const a = await credits.reserve(orgId, 10, 'job-a', 'work a');
      const b = await credits.reserve(orgId, 20, 'job-b', 'work b');
      expect(b.creditsBalance).toBe(70);
      expect(await credits.capture(orgId, a.id)).toBe(true);
      expect(await credits.release(orgId, b.id)).toBe(true);
      expect(await credits.release(orgId, a.id)).toBe(false);
      expect(await credits.capture(orgId, b.id)).toBe(false);
      // A release and a capture racing on one reservation: exactly one wins.
      const c = await credits.reserve(orgId, 5, 'job-c', 'work c');
      const [released, captured] = await Promise.all([credits.release(orgId, c.id), credits.capture(orgId, c.id)]);
      expect(released !== captured).toBe(true);
      expect(await credits.summary(orgId)).toEqual({ creditsBalance: released ? 90 : 85, reserved: 0 });
      // Settled together: the first of two captures settles it; a reservation of another organisation is not found.
      const d = await credits.reserve(orgId, 5, 'job-d', 'work d');
      const other = await signUp(t);
      const settling = [credits.capture(orgId, d.id), credits.capture(orgId, d.id), credits.release(other.orgId, d.id)];
      expect(await Promise.allSettled(settling)).toEqual([
        { status: 'fulfilled', value: true },
        { status: 'fulfilled', value: false },
        { status: 'rejected', reason: expect.objectContaining({ code: 'not_found' }) },
      ]);
      expect(await credits.summary(orgId)).toEqual({ creditsBalance: released ? 85 : 80, reserved: 0 });
    });
  });

  it('keeps each balance and reserved amount as the ledger says, through reservations and settlements of several organisations written together', async () => {
    const orgs = [(await signUp(t)).orgId, (await signUp(t)).orgId, (await signUp(t)).orgId];
    const credits = t.app.get(CreditsService);
    // Made in one event-loop turn, each group is one transaction: the reservations of all three, then their settlements.
    const reservations = await Promise.all(orgs.flatMap((orgId, o) => [1, 2, 3].map((i) => credits.reserve(orgId, i + o, `job-${o}-${i}`, 'test work'))));
    const open = await credits.reserve(orgs[2], 7, 'job-open', 'still running');
    await Promise.all(reservations.map((r, i) => (i % 2 ? credits.release(orgs[Math.floor(i / 3)], r.id) : credits.capture(orgs[Math.floor(i / 3)], r.id))));
    await t.app.get(CreditsRepository).append(credits.entry(orgs[1], 25, 'operator_grant', 'support'));

    type Total = { org_id: string; total: number | string };
    const rows = (sql: string): Promise<Total[]> => t.app.get(EntityManager).getConnection().execute<Total[]>(sql, orgs);
    const kept = async () => {
      const balances = await rows(`select org_id, balance as total from credit_balances where org_id in (?, ?, ?) order by org_id`);
      const reserved = await rows(`select org_id, reserved as total from credit_balances where org_id in (?, ?, ?) order by org_id`);
      return balances.map((r, i) => [r.org_id, Number(r.total), Number(reserved[i].total)]);
    };
    const summed = async () => {
      const balances = await rows(`select org_id, sum(amount) as total from credit_ledger where org_id in (?, ?, ?) group by org_id order by org_id`);
      const reserved = await rows(
        `select o.id as org_id, coalesce(-sum(r.amount), 0) as total from organizations o left join credit_ledger r on r.org_id = o.id and r.kind = 'reservation'
         and not exists (select 1 from credit_ledger s where s.settles = r.id) where o.id in (?, ?, ?) group by o.id order by o.id`,
      );
      return balances.map((r, i) => [r.org_id, Number(r.total), Number(reserved[i].total)]);
    };
    expect(await kept()).toEqual(await summed());
    // Released: every second reservation in the order made (the first organisation's second, the second's first and third, the third's second).
    expect(await Promise.all(orgs.map((orgId) => credits.summary(orgId)))).toEqual([
      { creditsBalance: 100 - 1 - 3, reserved: 0 },
      { creditsBalance: 100 - 3 + 25, reserved: 0 },
      { creditsBalance: 100 - 3 - 5 - 7, reserved: 7 },
    ]);
    // Settling the open one again changes nothing.
    expect(await credits.release(orgs[2], open.id)).toBe(true);
    expect(await credits.release(orgs[2], open.id)).toBe(false);
    expect(await credits.summary(orgs[2])).toEqual({ creditsBalance: 100 - 3 - 5, reserved: 0 });
    expect(await kept()).toEqual(await summed());
  });
});
