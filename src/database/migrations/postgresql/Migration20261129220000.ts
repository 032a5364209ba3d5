import { Migration } from '@mikro-orm/migrations';

export class Migration20261129220000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "jobs" add column "parent_id" varchar(36) null, add column "checkpoint" varchar(255) null;`);
    this.addSql(`create index "jobs_parent_id_index" on "jobs" ("parent_id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "jobs_parent_id_index";`);
    this.addSql(`alter table "jobs" drop column "parent_id", drop column "checkpoint";`);
  }

}
