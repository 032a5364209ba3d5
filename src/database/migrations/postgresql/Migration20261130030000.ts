import { Migration } from '@mikro-orm/migrations';

export class Migration20261130030000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "channel_publishes" alter column "image_id" drop not null, add column "source_image_external_id" varchar(255) null, add column "compliance" varchar(8) not null default 'skip', add column "report" jsonb null, add column "fixed_image_id" varchar(36) null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "channel_publishes" drop column "source_image_external_id", drop column "compliance", drop column "report", drop column "fixed_image_id";`);
    this.addSql(`alter table "channel_publishes" alter column "image_id" set not null;`);
  }

}
