import { Migration } from '@mikro-orm/migrations';

export class Migration20261129211000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "jobs" add column "end_user_id" varchar(255) null, add column "sku" varchar(100) null;`);
    this.addSql(`create index "jobs_org_id_end_user_id_id_index" on "jobs" ("org_id", "end_user_id", "id");`);

    this.addSql(`alter table "images" add column "end_user_id" varchar(255) null;`);
    this.addSql(`create index "images_org_id_end_user_id_id_index" on "images" ("org_id", "end_user_id", "id");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "jobs_org_id_end_user_id_id_index";`);
    this.addSql(`alter table "jobs" drop column "end_user_id", drop column "sku";`);

    this.addSql(`drop index "images_org_id_end_user_id_id_index";`);
    this.addSql(`alter table "images" drop column "end_user_id";`);
  }

}
