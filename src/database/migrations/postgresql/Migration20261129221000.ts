import { Migration } from '@mikro-orm/migrations';

export class Migration20261129221000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "plugins" ("kind" varchar(16) not null, "id" varchar(32) not null, "use" varchar(32) not null, "enabled" boolean not null default true, "first_seen_at" timestamptz not null, "last_seen_at" timestamptz not null, constraint "plugins_pkey" primary key ("kind", "id"));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "plugins" cascade;`);
  }

}
