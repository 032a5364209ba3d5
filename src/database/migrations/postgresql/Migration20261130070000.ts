import { Migration } from '@mikro-orm/migrations';

export class Migration20261130070000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "routing_policies" ("id" varchar(36) not null, "org_id" varchar(36) not null, "operation" varchar(32) not null, "targets" jsonb not null, "updated_by" varchar(80) not null, "updated_at" timestamptz not null, constraint "routing_policies_pkey" primary key ("id"));`);
    this.addSql(`create index "routing_policies_org_id_index" on "routing_policies" ("org_id");`);
    this.addSql(`alter table "routing_policies" add constraint "routing_policies_org_id_operation_unique" unique ("org_id", "operation");`);
    this.addSql(`alter table "routing_policies" add constraint "routing_policies_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
    this.addSql(`create table "job_steps" ("id" varchar(36) not null, "job_id" varchar(36) not null, "org_id" varchar(36) not null, "attempt" int not null, "provider" varchar(32) not null, "model" varchar(100) not null, "key_source" varchar(16) not null, "status" varchar(16) not null, "error_code" varchar(48) null, "error_message" varchar(500) null, "request_id" varchar(200) null, "latency_ms" int not null, "provider_cost" double precision null, "provider_cost_currency" varchar(32) null, "credits" int not null, "created_at" timestamptz not null, constraint "job_steps_pkey" primary key ("id"));`);
    this.addSql(`create index "job_steps_job_id_index" on "job_steps" ("job_id");`);
    this.addSql(`create index "job_steps_org_id_index" on "job_steps" ("org_id");`);
    this.addSql(`create index "job_steps_job_id_created_at_index" on "job_steps" ("job_id", "created_at");`);
    this.addSql(`create index "job_steps_org_id_created_at_index" on "job_steps" ("org_id", "created_at");`);
    this.addSql(`alter table "job_steps" add constraint "job_steps_job_id_foreign" foreign key ("job_id") references "jobs" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "job_steps" add constraint "job_steps_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "job_steps" cascade;`);
    this.addSql(`drop table if exists "routing_policies" cascade;`);
  }

}
