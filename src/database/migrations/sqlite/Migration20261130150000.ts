import { Migration } from '@mikro-orm/migrations';

/**
 * Each organisation's balance kept in credit_balances by a trigger on credit_ledger, so a reservation
 * reads one row instead of summing the ledger (see CreditBalance); the existing ledgers are summed once,
 * and the index that made the sum index-only goes.
 */
export class Migration20261130150000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index "credit_ledger_org_id_amount_index";`);
    this.addSql(`create table "credit_balances" ("org_id" text not null, "balance" integer not null, constraint "credit_balances_org_id_foreign" foreign key("org_id") references "organizations"("id") on delete cascade on update cascade, primary key ("org_id"));`);
    this.addSql(`insert into "credit_balances" ("org_id", "balance") select "org_id", sum("amount") from "credit_ledger" group by "org_id";`);
    this.addSql(`create trigger "credit_ledger_balance" after insert on "credit_ledger" when new."amount" <> 0 begin insert into "credit_balances" ("org_id", "balance") values (new."org_id", new."amount") on conflict ("org_id") do update set "balance" = "balance" + excluded."balance"; end;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "credit_ledger_balance";`);
    this.addSql(`drop table "credit_balances";`);
    this.addSql(`create index "credit_ledger_org_id_amount_index" on "credit_ledger" ("org_id", "amount");`);
  }

}
