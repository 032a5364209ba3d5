import { Migration } from '@mikro-orm/migrations';

/**
 * The tables every job writes lose the indexes that a composite index of theirs begins with (MikroORM
 * made one per foreign key), and images without an end user stay out of its index (see Image).
 */
export class Migration20261130140000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index "jobs_org_id_index";`);
    this.addSql(`drop index "job_steps_job_id_index";`);
    this.addSql(`drop index "job_steps_org_id_index";`);
    this.addSql(`drop index "images_org_id_index";`);
    this.addSql(`drop index "credit_ledger_org_id_index";`);
    this.addSql(`drop index "usage_counters_org_id_index";`);
    this.addSql(`drop index "images_org_id_end_user_id_id_index";`);
    this.addSql(`create index "images_org_id_end_user_id_id_index" on "images" ("org_id", "end_user_id", "id") where "end_user_id" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`create index "jobs_org_id_index" on "jobs" ("org_id");`);
    this.addSql(`create index "job_steps_job_id_index" on "job_steps" ("job_id");`);
    this.addSql(`create index "job_steps_org_id_index" on "job_steps" ("org_id");`);
    this.addSql(`create index "images_org_id_index" on "images" ("org_id");`);
    this.addSql(`create index "credit_ledger_org_id_index" on "credit_ledger" ("org_id");`);
    this.addSql(`create index "usage_counters_org_id_index" on "usage_counters" ("org_id");`);
    this.addSql(`drop index "images_org_id_end_user_id_id_index";`);
    this.addSql(`create index "images_org_id_end_user_id_id_index" on "images" ("org_id", "end_user_id", "id");`);
  }

}
