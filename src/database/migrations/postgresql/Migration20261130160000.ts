import { Migration } from '@mikro-orm/migrations';

/**
 * The index the crash sweep (JobCatchUp) reads holds only the jobs whose end is still to be
 * announced: a completion now sets eventPending only when someone is to be told, so most jobs never
 * enter it, and their insert, claim and completion write no entry there.
 */
export class Migration20261130160000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index "jobs_event_pending_finished_at_index";`);
    this.addSql(`create index "jobs_finished_at_pending_index" on "jobs" ("finished_at") where "event_pending" = true;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "jobs_finished_at_pending_index";`);
    this.addSql(`create index "jobs_event_pending_finished_at_index" on "jobs" ("event_pending", "finished_at");`);
  }

}
