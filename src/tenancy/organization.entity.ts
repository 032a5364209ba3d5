import { Entity, PrimaryKey, Property } from '@mikro-orm/core';
import { newId } from '../common/ids';

@Entity({ tableName: 'organizations' })
export class Organization {
  @PrimaryKey({ type: 'string', length: 36 })
  id: string = newId();

  @Property({ type: 'string', length: 200 })
  name!: string;

  @Property({ type: 'string', length: 32 })
  plan!: string;

  /** Created with the account; the user's default organisation. */
  @Property({ type: 'boolean' })
  personal: boolean = false;

  @Property({ type: 'datetime' })
  createdAt: Date = new Date();
}
