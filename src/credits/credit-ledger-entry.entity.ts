import { Entity, Index, ManyToOne, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Organization } from '../tenancy/organization.entity';

export type LedgerEntryKind = 'starting_grant' | 'operator_grant' | 'pack_grant' | 'reservation' | 'capture' | 'release';

/**
 * Append-only: rows are never updated or deleted; the balance is their sum, which the database keeps
 * in CreditBalance. A reservation is a negative entry; capturing it adds a zero entry that settles it
 * (the spend stays), releasing it adds the amount back. Each reservation is settled at most once
 * (unique referenceId per settling kind).
 */
@Entity({ tableName: 'credit_ledger' })
@Index({ properties: ['orgId', 'id'] })
@Unique({ properties: ['settles'] })
export class CreditLedgerEntry {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  // No index of its own (MikroORM adds one per foreign key): the composite indexes above begin with it,
  // and each index is one more write on every insert.
  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade', index: false })
  orgId!: string;

  @Property({ type: 'integer' })
  amount!: number;

  @Property({ type: 'string', length: 32 })
  kind!: LedgerEntryKind;

  @Property({ type: 'string', length: 200 })
  reason!: string;

  /** What the entry is for: a job id for reservations, a pack id for pack grants. */
  @Property({ type: 'string', length: 64, nullable: true })
  referenceId: string | null = null;

  /** On capture and release entries: the reservation entry they settle. */
  @Property({ type: 'string', length: 36, nullable: true })
  settles: string | null = null;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
