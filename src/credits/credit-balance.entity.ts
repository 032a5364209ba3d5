import { BigIntType, Entity, ManyToOne, Property } from '@mikro-orm/core';
import { Organization } from '../tenancy/organization.entity';

/**
 * An organisation's balance, the sum of its ledger kept by the database itself: a trigger on
 * credit_ledger adds every entry's amount here in the inserting statement (migration 20261130150000),
 * whichever path writes the entry. Reading a balance is then one row however long the ledger grows;
 * the ledger stays the record, and an organisation without entries has no row (balance 0).
 */
@Entity({ tableName: 'credit_balances' })
export class CreditBalance {
  @ManyToOne(() => Organization, { primary: true, mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade', index: false })
  orgId!: string;

  @Property({ type: new BigIntType('number') })
  balance!: number;
}
