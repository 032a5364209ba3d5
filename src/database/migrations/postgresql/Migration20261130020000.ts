import { Migration } from '@mikro-orm/migrations';

export class Migration20261130020000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "jobs" add column "progress" jsonb null;`);

    this.addSql(`alter table "channel_connections" add column "rule_pack" varchar(64) null, add column "sealed_webhook_secret" text null;`);

    this.addSql(`alter table "channel_products" add column "compliance_state" varchar(16) not null default 'unchecked', add column "compliance" jsonb not null default '[]';`);
    this.addSql(`create index "channel_products_connection_id_compliance_state_index" on "channel_products" ("connection_id", "compliance_state");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "channel_products_connection_id_compliance_state_index";`);
    this.addSql(`alter table "channel_products" drop column "compliance_state", drop column "compliance";`);
    this.addSql(`alter table "channel_connections" drop column "rule_pack", drop column "sealed_webhook_secret";`);
    this.addSql(`alter table "jobs" drop column "progress";`);
  }

}
