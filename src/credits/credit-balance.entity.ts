import { BigIntType, Entity, ManyToOne, Property } from '@mikro-orm/core';
import { Organization } from '../tenancy/organization.entity';

/**
 * An organisation's balance (the sum of its ledger) and the credits its open reservations hold, kept
 * by the database itself: a trigger on credit_ledger adds every entry here in the inserting statement
 * (migration 20261130150000), whichever path writes the entry. Reading them is then one row however
 * long the ledger grows; the ledger stays the record, and an organisation without entries has no row.
 */
@Entity({ tableName: 'credit_balances' })
export class CreditBalance {
  @ManyToOne(() => Organization, { primary: true, mapToPk: true, fieldName: 'org_id', deleteRule: 'cascade', index: false })
  orgId!: string;

  @Property({ type: new BigIntType('number') })
  balance!: number;

  /** Reserved and not yet captured or released. */
  @Property({ type: new BigIntType('number') })
  reserved!: number;
}
