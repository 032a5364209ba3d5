import { Migration } from '@mikro-orm/migrations';

export class Migration20261124035553 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "org_webhook_secrets" ("org_id" varchar(36) not null, "sealed_secret" text not null, "previous_sealed_secret" text null, "previous_secret_until" timestamptz null, "created_at" timestamptz not null, "rotated_at" timestamptz null, constraint "org_webhook_secrets_pkey" primary key ("org_id"));`);

    this.addSql(`create table "webhook_deliveries" ("id" varchar(36) not null, "org_id" varchar(36) not null, "event_id" varchar(80) not null, "event_type" varchar(32) not null, "target" varchar(48) not null, "endpoint_id" varchar(36) null, "url" varchar(2048) not null, "payload" text not null, "status" varchar(16) not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz null, "last_status_code" int null, "last_error" varchar(500) null, "created_at" timestamptz not null, "delivered_at" timestamptz null, constraint "webhook_deliveries_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_deliveries_status_next_attempt_at_index" on "webhook_deliveries" ("status", "next_attempt_at");`);
    this.addSql(`create index "webhook_deliveries_org_id_id_index" on "webhook_deliveries" ("org_id", "id");`);
    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_event_id_target_unique" unique ("event_id", "target");`);

    this.addSql(`create table "webhook_attempts" ("id" varchar(36) not null, "delivery_id" varchar(36) not null, "attempted_at" timestamptz not null, "status_code" int null, "error" varchar(500) null, "duration_ms" int not null, "response_body" varchar(1000) null, constraint "webhook_attempts_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_attempts_delivery_id_index" on "webhook_attempts" ("delivery_id");`);

    this.addSql(`create table "webhook_endpoints" ("id" varchar(36) not null, "org_id" varchar(36) not null, "url" varchar(2048) not null, "description" varchar(500) null, "events" jsonb not null, "sealed_secret" text not null, "previous_sealed_secret" text null, "previous_secret_until" timestamptz null, "enabled" boolean not null default true, "disabled_reason" varchar(16) null, "failing_since" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, constraint "webhook_endpoints_pkey" primary key ("id"));`);
    this.addSql(`create index "webhook_endpoints_org_id_id_index" on "webhook_endpoints" ("org_id", "id");`);

    this.addSql(`alter table "org_webhook_secrets" add constraint "org_webhook_secrets_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "webhook_deliveries" add constraint "webhook_deliveries_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "webhook_attempts" add constraint "webhook_attempts_delivery_id_foreign" foreign key ("delivery_id") references "webhook_deliveries" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "webhook_endpoints" add constraint "webhook_endpoints_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "webhook_attempts" drop constraint "webhook_attempts_delivery_id_foreign";`);

    this.addSql(`drop table if exists "org_webhook_secrets" cascade;`);

    this.addSql(`drop table if exists "webhook_deliveries" cascade;`);

    this.addSql(`drop table if exists "webhook_attempts" cascade;`);

    this.addSql(`drop table if exists "webhook_endpoints" cascade;`);
  }

}
