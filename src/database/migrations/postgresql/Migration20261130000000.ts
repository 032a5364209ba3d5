import { Migration } from '@mikro-orm/migrations';

export class Migration20261130000000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "studio_results" ("job_id" varchar(36) not null, "org_id" varchar(36) not null, "report" jsonb not null, "created_at" timestamptz not null, constraint "studio_results_pkey" primary key ("job_id"));`);
    this.addSql(`create index "studio_results_org_id_index" on "studio_results" ("org_id");`);
    this.addSql(`alter table "studio_results" add constraint "studio_results_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "studio_results" cascade;`);
  }

}
