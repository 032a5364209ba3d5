import { Migration } from '@mikro-orm/migrations';

export class Migration20261130080000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`jobs\` add column \`test\` integer not null default false;`);
    this.addSql(`alter table \`job_steps\` add column \`test\` integer not null default false;`);
    this.addSql(`alter table \`images\` add column \`test\` integer not null default false;`);
    this.addSql(`alter table \`videos\` add column \`test\` integer not null default false;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table \`videos\` drop column \`test\`;`);
    this.addSql(`alter table \`images\` drop column \`test\`;`);
    this.addSql(`alter table \`job_steps\` drop column \`test\`;`);
    this.addSql(`alter table \`jobs\` drop column \`test\`;`);
  }

}
