import { EntityManager, raw } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { Injectable } from '@nestjs/common';
import { JobStep, type KeySource } from './job-step.entity';

/** One row of the provider usage: an organisation's steps on one provider and key source, test jobs' apart, over a period. */
export interface ProviderUsageRow {
  provider: string;
  keySource: KeySource;
  /** Test jobs' steps (test API keys: aura, free), never summed with the rest. */
  test: boolean;
  steps: number;
  succeeded: number;
  failed: number;
  skipped: number;
  credits: number;
  /** The provider's cost, summed per currency. */
  providerCost: Record<string, number>;
}

@Injectable()
export class JobStepsRepository {
  constructor(private readonly em: EntityManager) {}

  /** A plain insert, outside any unit of work: it runs on every provider call (bench/routing-overhead.mjs). */
  async record(step: JobStep): Promise<void> {
    await this.em.fork().insert(step);
  }

  /** The steps of these jobs, oldest first, by job id. */
  async ofJobs(jobIds: string[]): Promise<Map<string, JobStep[]>> {
    const byJob = new Map<string, JobStep[]>();
    if (!jobIds.length) return byJob;
    const steps = await this.em.fork().find(JobStep, { jobId: { $in: jobIds } }, { orderBy: { createdAt: 'asc', id: 'asc' } });
    for (const step of steps) byJob.set(step.jobId, [...(byJob.get(step.jobId) ?? []), step]);
    return byJob;
  }

  /** The organisation's steps in [from, to), summed per provider and key source, test jobs' apart. */
  async usage(orgId: string, from: Date, to: Date): Promise<ProviderUsageRow[]> {
    // Both drivers (libsql, postgresql) are SQL ones: their entity manager builds queries.
    const rows = (await (this.em.fork() as SqlEntityManager).createQueryBuilder(JobStep, 's')
      .select(['s.provider', 's.keySource', 's.test', 's.status', 's.providerCostCurrency', raw('count(*) as steps'), raw('coalesce(sum(s.credits), 0) as credits'), raw('sum(s.provider_cost) as cost')])
      .where({ orgId, createdAt: { $gte: from, $lt: to } })
      .groupBy(['s.provider', 's.keySource', 's.test', 's.status', 's.providerCostCurrency'])
      .execute('all', false)) as { provider: string; key_source: KeySource; test: boolean | number; status: string; provider_cost_currency: string | null; steps: number | string; credits: number | string; cost: number | string | null }[];
    const usage = new Map<string, ProviderUsageRow>();
    for (const row of rows) {
      // SQLite answers a boolean as 0 or 1.
      const test = Boolean(row.test);
      const key = `${row.provider}\u0000${row.key_source}\u0000${test}`;
      const entry = usage.get(key) ?? { provider: row.provider, keySource: row.key_source, test, steps: 0, succeeded: 0, failed: 0, skipped: 0, credits: 0, providerCost: {} };
      const steps = Number(row.steps);
      entry.steps += steps;
      if (row.status === 'succeeded' || row.status === 'failed' || row.status === 'skipped') entry[row.status] += steps;
      entry.credits += Number(row.credits);
      const currency = row.provider_cost_currency;
      if (currency && row.cost !== null) entry.providerCost[currency] = (entry.providerCost[currency] ?? 0) + Number(row.cost);
      usage.set(key, entry);
    }
    return [...usage.values()];
  }
}
