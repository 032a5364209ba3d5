import { Migration } from '@mikro-orm/migrations';

export class Migration20261130010000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "channel_connections" ("id" varchar(36) not null, "org_id" varchar(36) not null, "channel" varchar(32) not null, "name" varchar(100) not null, "sealed_credentials" text not null, "credential_hint" jsonb not null, "account_id" varchar(255) not null, "account_name" varchar(255) not null, "status" varchar(16) not null default 'active', "last_error" text null, "last_checked_at" timestamptz not null, "last_synced_at" timestamptz null, "created_by" varchar(80) not null, "created_at" timestamptz not null, constraint "channel_connections_pkey" primary key ("id"));`);
    this.addSql(`create index "channel_connections_org_id_index" on "channel_connections" ("org_id");`);
    this.addSql(`create index "channel_connections_org_id_id_index" on "channel_connections" ("org_id", "id");`);
    this.addSql(`alter table "channel_connections" add constraint "channel_connections_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "channel_products" ("id" varchar(36) not null, "org_id" varchar(36) not null, "connection_id" varchar(36) not null, "external_id" varchar(255) not null, "title" text not null, "search_text" text not null, "variants" jsonb not null, "images" jsonb not null, "store_updated_at" timestamptz not null, "synced_at" timestamptz not null, constraint "channel_products_pkey" primary key ("id"));`);
    this.addSql(`create index "channel_products_org_id_index" on "channel_products" ("org_id");`);
    this.addSql(`create index "channel_products_connection_id_index" on "channel_products" ("connection_id");`);
    this.addSql(`create index "channel_products_org_id_connection_id_id_index" on "channel_products" ("org_id", "connection_id", "id");`);
    this.addSql(`alter table "channel_products" add constraint "channel_products_connection_id_external_id_unique" unique ("connection_id", "external_id");`);
    this.addSql(`alter table "channel_products" add constraint "channel_products_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "channel_products" add constraint "channel_products_connection_id_foreign" foreign key ("connection_id") references "channel_connections" ("id") on update cascade on delete cascade;`);

    this.addSql(`create table "channel_publishes" ("id" varchar(36) not null, "org_id" varchar(36) not null, "connection_id" varchar(36) not null, "product_external_id" varchar(255) not null, "product_title" text not null, "image_id" varchar(36) not null, "slot" varchar(32) not null, "position" int null, "replace_image_external_id" varchar(255) null, "alt" text null, "status" varchar(16) not null default 'queued', "external_image_id" varchar(255) null, "attempts" int not null default 0, "error" jsonb null, "job_id" varchar(36) not null, "created_by" varchar(80) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "channel_publishes_pkey" primary key ("id"));`);
    this.addSql(`create index "channel_publishes_org_id_index" on "channel_publishes" ("org_id");`);
    this.addSql(`create index "channel_publishes_connection_id_index" on "channel_publishes" ("connection_id");`);
    this.addSql(`create index "channel_publishes_org_id_id_index" on "channel_publishes" ("org_id", "id");`);
    this.addSql(`create index "channel_publishes_job_id_index" on "channel_publishes" ("job_id");`);
    this.addSql(`alter table "channel_publishes" add constraint "channel_publishes_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "channel_publishes" add constraint "channel_publishes_connection_id_foreign" foreign key ("connection_id") references "channel_connections" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "channel_publishes" cascade;`);
    this.addSql(`drop table if exists "channel_products" cascade;`);
    this.addSql(`drop table if exists "channel_connections" cascade;`);
  }

}
