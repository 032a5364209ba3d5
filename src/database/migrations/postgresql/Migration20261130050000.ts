import { Migration } from '@mikro-orm/migrations';

/** Videos the videos.generate jobs made; their files are encrypted in the file store. */
export class Migration20261130050000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "videos" ("id" varchar(36) not null, "org_id" varchar(36) not null, "job_id" varchar(36) not null, "storage_key" varchar(200) not null, "mime_type" varchar(64) not null, "width" int not null, "height" int not null, "duration_seconds" double precision not null, "bytes" bigint not null, "prompt" text not null, "provider" varchar(64) not null, "model" varchar(64) not null, "created_by" varchar(80) not null, "end_user_id" varchar(255) null, "created_at" timestamptz not null, constraint "videos_pkey" primary key ("id"));`);
    this.addSql(`create index "videos_org_id_index" on "videos" ("org_id");`);
    this.addSql(`create index "videos_job_id_index" on "videos" ("job_id");`);
    this.addSql(`create index "videos_org_id_id_index" on "videos" ("org_id", "id");`);
    this.addSql(`alter table "videos" add constraint "videos_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "videos" cascade;`);
  }

}
