import { Migration } from '@mikro-orm/migrations';

export class Migration20261130040000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "provider_credentials" ("id" varchar(36) not null, "org_id" varchar(36) not null, "provider" varchar(32) not null, "sealed_values" text not null, "hint" jsonb not null, "created_by" varchar(80) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "verified_at" timestamptz null, constraint "provider_credentials_pkey" primary key ("id"));`);
    this.addSql(`create index "provider_credentials_org_id_index" on "provider_credentials" ("org_id");`);
    this.addSql(`alter table "provider_credentials" add constraint "provider_credentials_org_id_provider_unique" unique ("org_id", "provider");`);
    this.addSql(`alter table "provider_credentials" add constraint "provider_credentials_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "provider_credentials" cascade;`);
  }

}
