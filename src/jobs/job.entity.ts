import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { partialIndex } from '../database/partial-index';
import { Organization } from '../tenancy/organization.entity';

export type JobStatus = 'queued' | 'processing' | 'completed' | 'failed' | 'canceled';
export const FINAL_STATUSES: JobStatus[] = ['completed', 'failed', 'canceled'];
/** The engine's own job type: a parent whose children do the work (POST /api/v1/jobs with items); no handler runs it. */
export const BATCH_JOB_TYPE = 'batch';

export interface JobError {
  code: string;
  message: string;
}

/**
 * A unit of work. The row is written before the API answers 202, and a worker claims it with a
 * lease (see JobLifecycle): a job whose worker died is claimed again once the lease runs out.
 */
@Entity({ tableName: 'jobs' })
@Index({ properties: ['orgId', 'id'] })
@Index({ properties: ['status', 'runAfter'] })
// Counting an organisation's running jobs (its plan's concurrency limit) and finding its due ones.
@Index({ properties: ['orgId', 'status', 'runAfter'] })
// The jobs whose end a crash may have left unannounced (JobCatchUp), oldest first. Partial: a completion sets eventPending
// only when someone is to be told (JobEvents.needsRecovery), so most rows never enter it.
@Index({ name: 'jobs_finished_at_pending_index', expression: 'create index "jobs_finished_at_pending_index" on "jobs" ("finished_at") where "event_pending" = true' })
// The next three are partial (see partialIndex): most jobs have no end user, key or batch, and each
// claim and completion writes a new entry into every index holding the row.
// A publishable key lists the jobs of one end user.
@Index({ name: 'jobs_org_id_end_user_id_id_index', expression: partialIndex('jobs', 'jobs_org_id_end_user_id_id_index', ['org_id', 'end_user_id', 'id'], 'end_user_id') })
// Recovering an Idempotency-Key whose request died: the job it created, if any.
@Index({ name: 'jobs_org_id_idempotency_key_index', expression: partialIndex('jobs', 'jobs_org_id_idempotency_key_index', ['org_id', 'idempotency_key'], 'idempotency_key') })
// A batch's children.
@Index({ name: 'jobs_parent_id_index', expression: partialIndex('jobs', 'jobs_parent_id_index', ['parent_id'], 'parent_id') })
export class Job {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  // No index of its own (MikroORM adds one per foreign key): the composite indexes above begin with it,
  // and each index is one more write on every insert.
  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade', index: false })
  orgId!: string;

  /** What the job does, e.g. images.generate: a type some @JobHandler runs (JobRegistry checks at start-up), or `batch`. */
  @Property({ type: 'string', length: 32 })
  type!: string;

  @Property({ type: 'string', length: 16 })
  status: JobStatus = 'queued';

  @Property({ type: 'json' })
  input!: Record<string, unknown>;

  /** The credential that created it: principalId(), e.g. an API key's id. */
  @Property({ type: 'string', length: 80 })
  createdBy!: string;

  /** The end user it was made for: a client token's sub, or x-user-id. Publishable keys read only one end user's jobs. */
  @Property({ type: 'string', length: 255, nullable: true })
  endUserId: string | null = null;

  /** The product it was made for, from the client token's limits.sku. */
  @Property({ type: 'string', length: 100, nullable: true })
  sku: string | null = null;

  /** Made with a test API key (a batch's children too): free, rendered by aura whatever provider it names, its outputs marked test. */
  @Property({ type: 'boolean' })
  test: boolean = false;

  /** The Idempotency-Key of the request that created it, written with the job, so the key can be recovered if that request dies. */
  @Property({ type: 'string', length: 255, nullable: true })
  idempotencyKey: string | null = null;

  @Property({ type: 'string', length: 36, nullable: true })
  reservationId: string | null = null;

  /**
   * The batch this job is a child of. Not a foreign key: a batch and its children are written in one
   * transaction and go together with their organisation.
   */
  @Property({ type: 'string', length: 36, nullable: true })
  parentId: string | null = null;

  /** What the handler's last run saved with checkpoint() (e.g. the id of remote work it started), for a run after a crash to resume from. */
  @Property({ type: 'string', length: 255, nullable: true })
  checkpoint: string | null = null;

  /** How far a long job has got (a sync's products, a scan's images), while it runs and after: set through JobRun.progress(). */
  @Property({ type: 'json', nullable: true })
  progress: { done: number; total: number | null } | null = null;

  @Property({ type: 'integer' })
  cost: number = 0;

  @Property({ type: 'json', nullable: true })
  error: JobError | null = null;

  @Property({ type: 'integer' })
  attempts: number = 0;

  /** Queued: not before this. Processing: the lease's end, after which the job may be claimed again. */
  @Property({ type: 'datetime' })
  runAfter: Date = new Date();

  @Property({ type: 'boolean' })
  cancelRequested: boolean = false;

  /** A provider's verified webhook said the job's remote work moved on: the node that runs it polls at once (RemoteWorkWakeups). */
  @Property({ type: 'boolean' })
  remoteWorkReady: boolean = false;

  @Property({ type: 'json', nullable: true })
  metadata: Record<string, string> | null = null;

  /** Where to POST the job's final event, signed with the organisation's default webhook secret. */
  @Property({ type: 'string', length: 2048, nullable: true })
  webhookUrl: string | null = null;

  /** Set with the final status; cleared once the job's webhook deliveries are written. */
  @Property({ type: 'boolean' })
  eventPending: boolean = false;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', nullable: true })
  startedAt: Date | null = null;

  @Property({ type: 'datetime', nullable: true })
  finishedAt: Date | null = null;
}
