import { EntityManager, raw } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/knex';
import { Injectable } from '@nestjs/common';
import { PreparedSql, placeholders } from '../database/prepared-sql';
import { JobStep, type JobStepStatus, type KeySource } from './job-step.entity';

/** A step as a job's answer shows it: its columns, read without an entity. */
export type JobStepRecord = Pick<JobStep, 'jobId' | 'attempt' | 'provider' | 'model' | 'keySource' | 'status' | 'errorCode' | 'errorMessage' | 'requestId' | 'latencyMs' | 'providerCost' | 'providerCostCurrency' | 'credits' | 'createdAt'>;

/** A job_steps row as either driver answers it: SQLite gives a datetime as epoch milliseconds, PostgreSQL (MikroORM's type parser) as text. */
export interface JobStepRow {
  job_id: string;
  attempt: number | string;
  provider: string;
  model: string;
  key_source: KeySource;
  status: JobStepStatus;
  error_code: string | null;
  error_message: string | null;
  request_id: string | null;
  latency_ms: number | string;
  provider_cost: number | string | null;
  provider_cost_currency: string | null;
  credits: number | string;
  created_at: number | string | Date;
}

const RECORD_STEP = 'insert into job_steps (id, job_id, org_id, attempt, provider, model, key_source, status, error_code, error_message, request_id, latency_ms, provider_cost, provider_cost_currency, credits, test, created_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const STEPS_OF_JOBS = 'select job_id, attempt, provider, model, key_source, status, error_code, error_message, request_id, latency_ms, provider_cost, provider_cost_currency, credits, created_at from job_steps';

/** The step a row holds, with the values the ORM would give its entity. */
export function stepOfRow(row: JobStepRow): JobStepRecord {
  return {
    jobId: row.job_id,
    attempt: Number(row.attempt),
    provider: row.provider,
    model: row.model,
    keySource: row.key_source,
    status: row.status,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    requestId: row.request_id,
    latencyMs: Number(row.latency_ms),
    providerCost: row.provider_cost === null ? null : Number(row.provider_cost),
    providerCostCurrency: row.provider_cost_currency,
    credits: Number(row.credits),
    createdAt: new Date(row.created_at),
  };
}

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
  constructor(private readonly em: EntityManager, private readonly sql: PreparedSql) {}

  /** A prepared insert, outside any unit of work: it runs on every provider call (bench/routing-overhead.mjs). */
  async record(step: JobStep): Promise<void> {
    await this.sql.run(RECORD_STEP, [
      step.id, step.jobId, step.orgId, step.attempt, step.provider, step.model, step.keySource, step.status, step.errorCode, step.errorMessage, step.requestId,
      step.latencyMs, step.providerCost, step.providerCostCurrency, step.credits, step.test, step.createdAt,
    ]);
  }

  /** The steps of these jobs, oldest first, by job id: a prepared statement, no entities (every job answer reads them). */
  async ofJobs(jobIds: string[]): Promise<Map<string, JobStepRecord[]>> {
    const byJob = new Map<string, JobStepRecord[]>();
    if (!jobIds.length) return byJob;
    const rows = await this.sql.all<JobStepRow>(`${STEPS_OF_JOBS} where job_id in (${placeholders(jobIds)}) order by created_at asc, id asc`, jobIds);
    for (const row of rows) {
      const step = stepOfRow(row);
      const ofJob = byJob.get(step.jobId);
      if (ofJob) ofJob.push(step);
      else byJob.set(step.jobId, [step]);
    }
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
