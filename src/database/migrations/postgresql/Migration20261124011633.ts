import { Migration } from '@mikro-orm/migrations';

export class Migration20261124011633 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table "organizations" ("id" varchar(36) not null, "name" varchar(200) not null, "plan" varchar(32) not null, "personal" boolean not null default false, "created_at" timestamptz not null, constraint "organizations_pkey" primary key ("id"));`);

    this.addSql(`create table "invitations" ("id" varchar(36) not null, "org_id" varchar(36) not null, "email" varchar(320) not null, "role" varchar(16) not null, "token_hash" varchar(64) not null, "invited_by_user_id" varchar(36) not null, "expires_at" timestamptz not null, "accepted_at" timestamptz null, "revoked_at" timestamptz null, "created_at" timestamptz not null, constraint "invitations_pkey" primary key ("id"));`);
    this.addSql(`alter table "invitations" add constraint "invitations_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "credit_ledger" ("id" varchar(36) not null, "org_id" varchar(36) not null, "amount" int not null, "kind" varchar(32) not null, "reason" varchar(200) not null, "created_at" timestamptz not null, constraint "credit_ledger_pkey" primary key ("id"));`);
    this.addSql(`create index "credit_ledger_org_id_id_index" on "credit_ledger" ("org_id", "id");`);

    this.addSql(`create table "client_token_keys" ("id" varchar(40) not null, "org_id" varchar(36) not null, "name" varchar(100) not null, "algorithm" varchar(8) not null, "encrypted_secret" text null, "public_key" text null, "scopes" jsonb not null, "created_by_user_id" varchar(36) null, "created_at" timestamptz not null, "revoked_at" timestamptz null, constraint "client_token_keys_pkey" primary key ("id"));`);

    this.addSql(`create table "audit_events" ("id" varchar(36) not null, "org_id" varchar(36) not null, "action" varchar(64) not null, "actor_type" varchar(16) not null, "actor_id" varchar(64) not null, "target_type" varchar(32) null, "target_id" varchar(64) null, "details" jsonb not null, "ip" varchar(64) null, "request_id" varchar(64) null, "created_at" timestamptz not null, constraint "audit_events_pkey" primary key ("id"));`);
    this.addSql(`create index "audit_events_org_id_id_index" on "audit_events" ("org_id", "id");`);

    this.addSql(`create table "api_keys" ("id" varchar(36) not null, "org_id" varchar(36) not null, "team_id" varchar(36) null, "name" varchar(100) not null, "type" varchar(16) not null, "prefix" varchar(32) not null, "secret_hash" varchar(64) not null, "scopes" jsonb not null, "created_by_user_id" varchar(36) null, "created_by_key_id" varchar(36) null, "created_at" timestamptz not null, "last_used_at" timestamptz null, "expires_at" timestamptz null, "revoked_at" timestamptz null, "replaced_by_id" varchar(36) null, constraint "api_keys_pkey" primary key ("id"));`);
    this.addSql(`alter table "api_keys" add constraint "api_keys_secret_hash_unique" unique ("secret_hash");`);
    this.addSql(`create index "api_keys_org_id_id_index" on "api_keys" ("org_id", "id");`);

    this.addSql(`create table "outbox_mail" ("id" varchar(36) not null, "to" varchar(320) not null, "subject" varchar(300) not null, "text" text not null, "status" varchar(16) not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "last_error" text null, "created_at" timestamptz not null, "sent_at" timestamptz null, constraint "outbox_mail_pkey" primary key ("id"));`);
    this.addSql(`create index "outbox_mail_status_next_attempt_at_index" on "outbox_mail" ("status", "next_attempt_at");`);

    this.addSql(`create table "teams" ("id" varchar(36) not null, "org_id" varchar(36) not null, "name" varchar(100) not null, "created_at" timestamptz not null, constraint "teams_pkey" primary key ("id"));`);
    this.addSql(`alter table "teams" add constraint "teams_org_id_name_unique" unique ("org_id", "name");`);

    this.addSql(`create table "usage_counters" ("org_id" varchar(36) not null, "day" varchar(10) not null, "units" int not null default 0, constraint "usage_counters_pkey" primary key ("org_id", "day"));`);

    this.addSql(`create table "users" ("id" varchar(36) not null, "email" varchar(320) not null, "name" varchar(200) not null, "password_hash" varchar(200) not null, "email_verified_at" timestamptz null, "created_at" timestamptz not null, constraint "users_pkey" primary key ("id"));`);
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);

    this.addSql(`create table "team_members" ("id" varchar(36) not null, "team_id" varchar(36) not null, "user_id" varchar(36) not null, "created_at" timestamptz not null, constraint "team_members_pkey" primary key ("id"));`);
    this.addSql(`alter table "team_members" add constraint "team_members_team_id_user_id_unique" unique ("team_id", "user_id");`);

    this.addSql(`create table "refresh_tokens" ("id" varchar(36) not null, "user_id" varchar(36) not null, "family_id" varchar(36) not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "rotated_at" timestamptz null, "revoked_at" timestamptz null, "created_at" timestamptz not null, constraint "refresh_tokens_pkey" primary key ("id"));`);
    this.addSql(`create index "refresh_tokens_family_id_index" on "refresh_tokens" ("family_id");`);
    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_token_hash_unique" unique ("token_hash");`);

    this.addSql(`create table "memberships" ("id" varchar(36) not null, "org_id" varchar(36) not null, "user_id" varchar(36) not null, "role" varchar(16) not null, "created_at" timestamptz not null, constraint "memberships_pkey" primary key ("id"));`);
    this.addSql(`alter table "memberships" add constraint "memberships_org_id_user_id_unique" unique ("org_id", "user_id");`);

    this.addSql(`create table "email_tokens" ("id" varchar(36) not null, "user_id" varchar(36) not null, "purpose" varchar(32) not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "created_at" timestamptz not null, constraint "email_tokens_pkey" primary key ("id"));`);
    this.addSql(`alter table "email_tokens" add constraint "email_tokens_token_hash_unique" unique ("token_hash");`);

    this.addSql(`alter table "invitations" add constraint "invitations_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "credit_ledger" add constraint "credit_ledger_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "client_token_keys" add constraint "client_token_keys_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "audit_events" add constraint "audit_events_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "api_keys" add constraint "api_keys_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "teams" add constraint "teams_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "usage_counters" add constraint "usage_counters_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "team_members" add constraint "team_members_team_id_foreign" foreign key ("team_id") references "teams" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "team_members" add constraint "team_members_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "refresh_tokens" add constraint "refresh_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "memberships" add constraint "memberships_org_id_foreign" foreign key ("org_id") references "organizations" ("id") on update cascade on delete cascade;`);
    this.addSql(`alter table "memberships" add constraint "memberships_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);

    this.addSql(`alter table "email_tokens" add constraint "email_tokens_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`);
  }

}
