import { Entity, Index, ManyToOne, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../common/ids';
import { Organization } from '../orgs/organization.entity';

export type LedgerEntryKind = 'starting_grant' | 'operator_grant';

/** Append-only: rows are never updated or deleted; the balance is their sum. */
@Entity({ tableName: 'credit_ledger' })
@Index({ properties: ['orgId', 'id'] })
export class CreditLedgerEntry {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @ManyToOne(() => Organization, { mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade' })
  orgId!: string;

  @Property({ type: 'integer' })
  amount!: number;

  @Property({ type: 'string', length: 32 })
  kind!: LedgerEntryKind;

  @Property({ type: 'string', length: 200 })
  reason!: string;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
