import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Organization } from '../tenancy/organization.entity';
import { Job } from './job.entity';

/** Whose key a step ran on: the installation's, or the organisation's own (BYOK). */
export type KeySource = 'platform' | 'byok';
/** A step that ran and answered, one that failed, or a target passed over without a call (its circuit open, no key). */
export type JobStepStatus = 'succeeded' | 'failed' | 'skipped';

/**
 * One try of one routing target by one run of a job: which provider and model, on whose key, what the
 * provider said (its request id, its cost in its own currency), how long it took and what it cost the
 * organisation. Written as each try ends, so a failed job keeps the story of its fallbacks.
 */
@Entity({ tableName: 'job_steps' })
@Index({ properties: ['jobId', 'createdAt'] })
// The usage endpoint sums an organisation's steps over a period.
@Index({ properties: ['orgId', 'createdAt'] })
export class JobStep {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  // Neither foreign key has an index of its own (MikroORM adds one per foreign key): the two composite
  // indexes above begin with them, and each index is one more write on every insert.
  @ManyToOne(() => Job, { mapToPk: true, fieldName: 'job_id', deleteRule: 'cascade', index: false })
  jobId!: string;

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade', index: false })
  orgId!: string;

  /** The job's run (1 for the first) this try belongs to. */
  @Property({ type: 'integer' })
  attempt!: number;

  @Property({ type: 'string', length: 32 })
  provider!: string;

  @Property({ type: 'string', length: 100 })
  model!: string;

  @Property({ type: 'string', length: 16 })
  keySource!: KeySource;

  @Property({ type: 'string', length: 16 })
  status!: JobStepStatus;

  @Property({ type: 'string', length: 48, nullable: true })
  errorCode: string | null = null;

  @Property({ type: 'string', length: 500, nullable: true })
  errorMessage: string | null = null;

  /** The provider's id of the request (x-request-id, a prediction or task id), for its support. */
  @Property({ type: 'string', length: 200, nullable: true })
  requestId: string | null = null;

  @Property({ type: 'integer' })
  latencyMs = 0;

  /** What the provider charged or lists for it, in its own currency (providerCostCurrency). */
  @Property({ type: 'double', nullable: true })
  providerCost: number | null = null;

  @Property({ type: 'string', length: 32, nullable: true })
  providerCostCurrency: string | null = null;

  /** Platform credits charged for this step: the job's cost on the step that answered, 0 otherwise. */
  @Property({ type: 'integer' })
  credits = 0;

  /** A test job's step (always aura, free): the usage endpoint lists these apart. */
  @Property({ type: 'boolean' })
  test = false;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
