import { Migration } from '@mikro-orm/migrations';

export class Migration20261124034923 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`jobs\` add column \`webhook_url\` text null;`);
    this.addSql(`alter table \`jobs\` add column \`event_pending\` integer not null default false;`);
    this.addSql(`create index \`jobs_event_pending_finished_at_index\` on \`jobs\` (\`event_pending\`, \`finished_at\`);`);
  }

}
