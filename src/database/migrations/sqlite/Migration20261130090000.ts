import { Migration } from '@mikro-orm/migrations';

export class Migration20261130090000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`jobs\` add column \`remote_work_ready\` integer not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`jobs\` drop column \`remote_work_ready\`;`);
  }

}
