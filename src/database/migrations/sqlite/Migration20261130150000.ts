import { Migration } from '@mikro-orm/migrations';

/**
 * Each organisation's balance and open reservations kept in credit_balances by a trigger on
 * credit_ledger, so a reservation or GET /credits reads one row instead of going through the ledger
 * (see CreditBalance); the existing ledgers are summed once, and the index that made the sum
 * index-only goes.
 */
export class Migration20261130150000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index "credit_ledger_org_id_amount_index";`);
    this.addSql(`create table "credit_balances" ("org_id" text not null, "balance" integer not null, "reserved" integer not null, constraint "credit_balances_org_id_foreign" foreign key("org_id") references "organizations"("id") on delete cascade on update cascade, primary key ("org_id"));`);
    this.addSql(`insert into "credit_balances" ("org_id", "balance", "reserved") select "org_id", sum("amount"), coalesce(sum(case when "kind" = 'reservation' and not exists (select 1 from "credit_ledger" "s" where "s"."settles" = "r"."id") then -"amount" end), 0) from "credit_ledger" "r" group by "org_id";`);
    // A reservation holds its amount; the entry that settles it (a capture of 0 or a release) lets it go.
    this.addSql(`create trigger "credit_ledger_balance" after insert on "credit_ledger" when new."amount" <> 0 or new."settles" is not null begin
  insert into "credit_balances" ("org_id", "balance", "reserved")
    values (new."org_id", new."amount", case when new."kind" = 'reservation' then -new."amount" when new."settles" is not null then (select "amount" from "credit_ledger" where "id" = new."settles") else 0 end)
    on conflict ("org_id") do update set "balance" = "balance" + excluded."balance", "reserved" = "reserved" + excluded."reserved";
end;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger "credit_ledger_balance";`);
    this.addSql(`drop table "credit_balances";`);
    this.addSql(`create index "credit_ledger_org_id_amount_index" on "credit_ledger" ("org_id", "amount");`);
  }

}
