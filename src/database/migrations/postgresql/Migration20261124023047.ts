import { Migration } from '@mikro-orm/migrations';

export class Migration20261124023047 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "jobs" ("id" varchar(36) not null, "org_id" varchar(36) not null, "type" varchar(32) not null, "status" varchar(16) not null default 'queued', "input" jsonb not null, "created_by" varchar(80) not null, "reservation_id" varchar(36) null, "cost" int not null default 0, "error" jsonb null, "attempts" int not null default 0, "run_after" timestamptz not null, "cancel_requested" boolean not null default false, "metadata" jsonb null, "created_at" timestamptz not null, "started_at" timestamptz null, "finished_at" timestamptz null, constraint "jobs_pkey" primary key ("id"));`);
    this.addSql(`create index "jobs_status_run_after_index" on "jobs" ("status", "run_after");`);
    this.addSql(`create index "jobs_org_id_id_index" on "jobs" ("org_id", "id");`);

    this.addSql(`create table "images" ("id" varchar(36) not null, "org_id" varchar(36) not null, "job_id" varchar(36) not null, "storage_key" varchar(200) not null, "format" varchar(8) not null, "width" int not null, "height" int not null, "bytes" int not null, "prompt" text not null, "style" varchar(32) null, "provider" varchar(64) not null, "model" varchar(64) not null, "seed" bigint not null, "created_by" varchar(80) not null, "created_at" timestamptz not null, constraint "images_pkey" primary key ("id"));`);
    this.addSql(`create index "images_job_id_index" on "images" ("job_id");`);
    this.addSql(`create index "images_org_id_id_index" on "images" ("org_id", "id");`);

    this.addSql(`alter table "jobs" add constraint "jobs_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "images" add constraint "images_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "jobs" cascade;`);

    this.addSql(`drop table if exists "images" cascade;`);
  }

}
