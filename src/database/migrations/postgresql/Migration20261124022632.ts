import { Migration } from '@mikro-orm/migrations';

export class Migration20261124022632 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "credit_ledger" add column "reference_id" varchar(64) null, add column "settles" varchar(36) null;`);
    this.addSql(`alter table "credit_ledger" add constraint "credit_ledger_settles_unique" unique ("settles");`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "credit_ledger" drop constraint "credit_ledger_settles_unique";`);
    this.addSql(`alter table "credit_ledger" drop column "reference_id", drop column "settles";`);
  }

}
