import { Migration } from '@mikro-orm/migrations';

export class Migration20261124034935 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table "jobs" add column "webhook_url" varchar(2048) null, add column "event_pending" boolean not null default false;`);
    this.addSql(`create index "jobs_event_pending_finished_at_index" on "jobs" ("event_pending", "finished_at");`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "jobs_event_pending_finished_at_index";`);
    this.addSql(`alter table "jobs" drop column "webhook_url", drop column "event_pending";`);
  }

}
