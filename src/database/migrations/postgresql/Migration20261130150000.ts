import { Migration } from '@mikro-orm/migrations';

/**
 * Each organisation's balance and open reservations kept in credit_balances by a trigger on
 * credit_ledger, so a reservation or GET /credits reads one row instead of going through the ledger
 * (see CreditBalance); the existing ledgers are summed once, and the index that made the sum
 * index-only goes.
 * The trigger runs once per statement, adding the statement's entries by organisation in id order: a
 * statement that settles several organisations' reservations then locks their balance rows in the
 * same order as any other, so two such statements cannot deadlock.
 */
export class Migration20261130150000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index "credit_ledger_org_id_amount_index";`);
    this.addSql(`create table "credit_balances" ("org_id" varchar(36) not null, "balance" bigint not null, "reserved" bigint not null, constraint "credit_balances_pkey" primary key ("org_id"));`);
    this.addSql(`alter table "credit_balances" add constraint "credit_balances_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
    this.addSql(`insert into "credit_balances" ("org_id", "balance", "reserved") select "org_id", sum("amount"), coalesce(sum(case when "kind" = 'reservation' and not exists (select 1 from "credit_ledger" "s" where "s"."settles" = "r"."id") then -"amount" end), 0) from "credit_ledger" "r" group by "org_id";`);
    // A reservation holds its amount; the entry that settles it (a capture of 0 or a release) lets it go.
    this.addSql(`create function "credit_ledger_balance"() returns trigger language plpgsql as $$
begin
  insert into "credit_balances" ("org_id", "balance", "reserved")
    select "org_id", "balance", "reserved" from (
      select "i"."org_id", sum("i"."amount") as "balance",
        sum(case when "i"."kind" = 'reservation' then -"i"."amount" when "i"."settles" is not null then "r"."amount" else 0 end) as "reserved"
      from "inserted" "i" left join "credit_ledger" "r" on "r"."id" = "i"."settles" group by "i"."org_id") "d"
    where "balance" <> 0 or "reserved" <> 0 order by "org_id"
    on conflict ("org_id") do update set "balance" = "credit_balances"."balance" + excluded."balance", "reserved" = "credit_balances"."reserved" + excluded."reserved";
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
