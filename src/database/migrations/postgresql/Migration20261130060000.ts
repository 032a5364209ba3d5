import { Migration } from '@mikro-orm/migrations';

/**
 * The asset library, and its full-text index: a generated tsvector column (title weighed A, the tags'
 * strings B, prompt C) under a GIN index. The 'simple' configuration lowercases without stemming or
 * stop words, as SQLite's unicode61 tokenizer does, so a search finds the same assets on both.
 */
export class Migration20261130060000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "library_assets" ("id" varchar(36) not null, "org_id" varchar(36) null, "type" varchar(8) not null, "title" varchar(200) not null, "tags" jsonb not null, "prompt" text null, "licence" varchar(100) null, "storage_key" varchar(200) not null, "mime_type" varchar(64) not null, "format" varchar(8) not null, "width" int null, "height" int null, "bytes" int not null, "source_image_id" varchar(36) null, "created_by" varchar(80) not null, "created_at" timestamptz not null, constraint "library_assets_pkey" primary key ("id"));`);
    this.addSql(`create index "library_assets_org_id_index" on "library_assets" ("org_id");`);
    this.addSql(`create index "library_assets_org_id_created_at_index" on "library_assets" ("org_id", "created_at");`);
    this.addSql(`alter table "library_assets" add constraint "library_assets_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "library_assets" add column "search_vector" tsvector generated always as (setweight(to_tsvector('simple', "title"), 'A') || setweight(to_tsvector('simple', "tags"), 'B') || setweight(to_tsvector('simple', coalesce("prompt", '')), 'C')) stored;`);
    this.addSql(`create index "library_assets_search_vector_index" on "library_assets" using gin ("search_vector");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "library_assets" cascade;`);
  }

}
