import { Migration } from '@mikro-orm/migrations';

export class Migration20261124023715 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "idempotency_keys" ("org_id" varchar(36) not null, "key" varchar(255) not null, "request_hash" varchar(64) not null, "state" varchar(16) not null default 'in_progress', "response_status" int null, "response_body" jsonb null, "expires_at" timestamptz not null, constraint "idempotency_keys_pkey" primary key ("org_id", "key"));`);

    this.addSql(`alter table "idempotency_keys" add constraint "idempotency_keys_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "idempotency_keys" cascade;`);
  }

}
