import { Entity, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { Organization } from '../tenancy/organization.entity';

/** The first response to a request carrying an Idempotency-Key, kept 24 hours for replays. */
@Entity({ tableName: 'idempotency_keys' })
export class IdempotencyKey {
  @ManyToOne(() => Organization, { primary: true, mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @PrimaryKey({ type: 'string', length: 255 })
  key!: string;

  /** SHA-256 of method, path and body: the same key with another request is refused. */
  @Property({ type: 'string', length: 64 })
  requestHash!: string;

  @Property({ type: 'string', length: 16 })
  state: 'in_progress' | 'completed' = 'in_progress';

  @Property({ type: 'integer', nullable: true })
  responseStatus: number | null = null;

  @Property({ type: 'json', nullable: true })
  responseBody: unknown = null;

  @Property({ type: 'datetime' })
  expiresAt!: Date;

  /**
   * In progress: the lease of the request handling it, renewed while it runs. Once it has run out,
   * that request's process is taken for dead and the key is recovered: completed with the job the
   * request created, or freed when it created none. Null on rows written before leases.
   */
  @Property({ type: 'datetime', nullable: true })
  lockedUntil: Date | null = null;
}
