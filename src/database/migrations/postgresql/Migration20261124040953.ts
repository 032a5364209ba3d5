import { Migration } from '@mikro-orm/migrations';

export class Migration20261124040953 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index "jobs_org_id_status_run_after_index" on "jobs" ("org_id", "status", "run_after");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "jobs_org_id_status_run_after_index";`);
  }

}
