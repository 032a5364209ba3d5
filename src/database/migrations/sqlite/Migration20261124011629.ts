import { Migration } from '@mikro-orm/migrations';

export class Migration20261124011629 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`organizations\` (\`id\` text not null, \`name\` text not null, \`plan\` text not null, \`personal\` integer not null default false, \`created_at\` datetime not null, primary key (\`id\`));`);

    this.addSql(`create table \`invitations\` (\`id\` text not null, \`org_id\` text not null, \`email\` text not null, \`role\` text not null, \`token_hash\` text not null, \`invited_by_user_id\` text not null, \`expires_at\` datetime not null, \`accepted_at\` datetime null, \`revoked_at\` datetime null, \`created_at\` datetime not null, constraint \`invitations_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`invitations_org_id_index\` on \`invitations\` (\`org_id\`);`);
    this.addSql(`create unique index \`invitations_token_hash_unique\` on \`invitations\` (\`token_hash\`);`);

    this.addSql(`create table \`credit_ledger\` (\`id\` text not null, \`org_id\` text not null, \`amount\` integer not null, \`kind\` text not null, \`reason\` text not null, \`created_at\` datetime not null, constraint \`credit_ledger_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`credit_ledger_org_id_index\` on \`credit_ledger\` (\`org_id\`);`);
    this.addSql(`create index \`credit_ledger_org_id_id_index\` on \`credit_ledger\` (\`org_id\`, \`id\`);`);

    this.addSql(`create table \`client_token_keys\` (\`id\` text not null, \`org_id\` text not null, \`name\` text not null, \`algorithm\` text not null, \`encrypted_secret\` text null, \`public_key\` text null, \`scopes\` json not null, \`created_by_user_id\` text null, \`created_at\` datetime not null, \`revoked_at\` datetime null, constraint \`client_token_keys_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`client_token_keys_org_id_index\` on \`client_token_keys\` (\`org_id\`);`);

    this.addSql(`create table \`audit_events\` (\`id\` text not null, \`org_id\` text not null, \`action\` text not null, \`actor_type\` text not null, \`actor_id\` text not null, \`target_type\` text null, \`target_id\` text null, \`details\` json not null, \`ip\` text null, \`request_id\` text null, \`created_at\` datetime not null, constraint \`audit_events_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`audit_events_org_id_index\` on \`audit_events\` (\`org_id\`);`);
    this.addSql(`create index \`audit_events_org_id_id_index\` on \`audit_events\` (\`org_id\`, \`id\`);`);

    this.addSql(`create table \`api_keys\` (\`id\` text not null, \`org_id\` text not null, \`team_id\` text null, \`name\` text not null, \`type\` text not null, \`prefix\` text not null, \`secret_hash\` text not null, \`scopes\` json not null, \`created_by_user_id\` text null, \`created_by_key_id\` text null, \`created_at\` datetime not null, \`last_used_at\` datetime null, \`expires_at\` datetime null, \`revoked_at\` datetime null, \`replaced_by_id\` text null, constraint \`api_keys_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`api_keys_org_id_index\` on \`api_keys\` (\`org_id\`);`);
    this.addSql(`create unique index \`api_keys_secret_hash_unique\` on \`api_keys\` (\`secret_hash\`);`);
    this.addSql(`create index \`api_keys_org_id_id_index\` on \`api_keys\` (\`org_id\`, \`id\`);`);

    this.addSql(`create table \`outbox_mail\` (\`id\` text not null, \`to\` text not null, \`subject\` text not null, \`text\` text not null, \`status\` text not null default 'pending', \`attempts\` integer not null default 0, \`next_attempt_at\` datetime not null, \`last_error\` text null, \`created_at\` datetime not null, \`sent_at\` datetime null, primary key (\`id\`));`);
    this.addSql(`create index \`outbox_mail_status_next_attempt_at_index\` on \`outbox_mail\` (\`status\`, \`next_attempt_at\`);`);

    this.addSql(`create table \`teams\` (\`id\` text not null, \`org_id\` text not null, \`name\` text not null, \`created_at\` datetime not null, constraint \`teams_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`teams_org_id_index\` on \`teams\` (\`org_id\`);`);
    this.addSql(`create unique index \`teams_org_id_name_unique\` on \`teams\` (\`org_id\`, \`name\`);`);

    this.addSql(`create table \`usage_counters\` (\`org_id\` text not null, \`day\` text not null, \`units\` integer not null default 0, constraint \`usage_counters_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`org_id\`, \`day\`));`);
    this.addSql(`create index \`usage_counters_org_id_index\` on \`usage_counters\` (\`org_id\`);`);

    this.addSql(`create table \`users\` (\`id\` text not null, \`email\` text not null, \`name\` text not null, \`password_hash\` text not null, \`email_verified_at\` datetime null, \`created_at\` datetime not null, primary key (\`id\`));`);
    this.addSql(`create unique index \`users_email_unique\` on \`users\` (\`email\`);`);

    this.addSql(`create table \`team_members\` (\`id\` text not null, \`team_id\` text not null, \`user_id\` text not null, \`created_at\` datetime not null, constraint \`team_members_team_id_foreign\` foreign key(\`team_id\`) references \`teams\`(\`id\`) on delete cascade on update cascade, constraint \`team_members_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`team_members_team_id_index\` on \`team_members\` (\`team_id\`);`);
    this.addSql(`create index \`team_members_user_id_index\` on \`team_members\` (\`user_id\`);`);
    this.addSql(`create unique index \`team_members_team_id_user_id_unique\` on \`team_members\` (\`team_id\`, \`user_id\`);`);

    this.addSql(`create table \`refresh_tokens\` (\`id\` text not null, \`user_id\` text not null, \`family_id\` text not null, \`token_hash\` text not null, \`expires_at\` datetime not null, \`rotated_at\` datetime null, \`revoked_at\` datetime null, \`created_at\` datetime not null, constraint \`refresh_tokens_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`refresh_tokens_user_id_index\` on \`refresh_tokens\` (\`user_id\`);`);
    this.addSql(`create index \`refresh_tokens_family_id_index\` on \`refresh_tokens\` (\`family_id\`);`);
    this.addSql(`create unique index \`refresh_tokens_token_hash_unique\` on \`refresh_tokens\` (\`token_hash\`);`);

    this.addSql(`create table \`memberships\` (\`id\` text not null, \`org_id\` text not null, \`user_id\` text not null, \`role\` text not null, \`created_at\` datetime not null, constraint \`memberships_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, constraint \`memberships_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`memberships_org_id_index\` on \`memberships\` (\`org_id\`);`);
    this.addSql(`create index \`memberships_user_id_index\` on \`memberships\` (\`user_id\`);`);
    this.addSql(`create unique index \`memberships_org_id_user_id_unique\` on \`memberships\` (\`org_id\`, \`user_id\`);`);

    this.addSql(`create table \`email_tokens\` (\`id\` text not null, \`user_id\` text not null, \`purpose\` text not null, \`token_hash\` text not null, \`expires_at\` datetime not null, \`used_at\` datetime null, \`created_at\` datetime not null, constraint \`email_tokens_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`email_tokens_user_id_index\` on \`email_tokens\` (\`user_id\`);`);
    this.addSql(`create unique index \`email_tokens_token_hash_unique\` on \`email_tokens\` (\`token_hash\`);`);
  }

}
