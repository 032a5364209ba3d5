import { Migration } from '@mikro-orm/migrations';

/**
 * Each organisation's balance kept in credit_balances by a trigger on credit_ledger, so a reservation
 * reads one row instead of summing the ledger (see CreditBalance); the existing ledgers are summed once,
 * and the index that made the sum index-only goes.
 * The trigger runs once per statement, adding the statement's entries by organisation in id order: a
 * statement that settles several organisations' reservations then locks their balance rows in the
 * same order as any other, so two such statements cannot deadlock.
 */
export class Migration20261130150000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index "credit_ledger_org_id_amount_index";`);
    this.addSql(`create table "credit_balances" ("org_id" varchar(36) not null, "balance" bigint not null, constraint "credit_balances_pkey" primary key ("org_id"));`);
    this.addSql(`alter table "credit_balances" add constraint "credit_balances_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
    this.addSql(`insert into "credit_balances" ("org_id", "balance") select "org_id", sum("amount") from "credit_ledger" group by "org_id";`);
    this.addSql(`create function "credit_ledger_balance"() returns trigger language plpgsql as $$
begin
  insert into "credit_balances" ("org_id", "balance")
    select "org_id", sum("amount") from "inserted" group by "org_id" having sum("amount") <> 0 order by "org_id"
    on conflict ("org_id") do update set "balance" = "credit_balances"."balance" + excluded."balance";
  return null;
end $$;`);
    this.addSql(`create trigger "credit_ledger_balance" after insert on "credit_ledger" referencing new table as "inserted" for each statement execute function "credit_ledger_balance"();`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "credit_ledger_balance" on "credit_ledger";`);
    this.addSql(`drop function "credit_ledger_balance"();`);
    this.addSql(`drop table "credit_balances";`);
    this.addSql(`create index "credit_ledger_org_id_amount_index" on "credit_ledger" ("org_id", "amount");`);
  }

}
