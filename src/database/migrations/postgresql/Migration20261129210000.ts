import { Migration } from '@mikro-orm/migrations';

export class Migration20261129210000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "idempotency_keys" add column "locked_until" timestamptz null;`);
    this.addSql(`alter table "jobs" add column "idempotency_key" varchar(255) null;`);
    this.addSql(`create index "jobs_org_id_idempotency_key_index" on "jobs" ("org_id", "idempotency_key");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "jobs_org_id_idempotency_key_index";`);
    this.addSql(`alter table "jobs" drop column "idempotency_key";`);
    this.addSql(`alter table "idempotency_keys" drop column "locked_until";`);
  }

}
