import { Migration } from '@mikro-orm/migrations';

export class Migration20261129211100 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "client_token_usage" ("token_hash" varchar(64) not null, "org_id" varchar(36) not null, "images" int not null default 0, "expires_at" timestamptz not null, constraint "client_token_usage_pkey" primary key ("token_hash"));`);
    this.addSql(`create index "client_token_usage_expires_at_index" on "client_token_usage" ("expires_at");`);

    this.addSql(`alter table "client_token_usage" add constraint "client_token_usage_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "client_token_usage" cascade;`);
  }

}
