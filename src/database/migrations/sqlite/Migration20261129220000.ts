import { Migration } from '@mikro-orm/migrations';

export class Migration20261129220000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`jobs\` add column \`parent_id\` text null;`);
    this.addSql(`alter table \`jobs\` add column \`checkpoint\` text null;`);
    this.addSql(`create index \`jobs_parent_id_index\` on \`jobs\` (\`parent_id\`);`);
  }

}
