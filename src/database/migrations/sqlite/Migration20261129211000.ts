import { Migration } from '@mikro-orm/migrations';

export class Migration20261129211000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`jobs\` add column \`end_user_id\` text null;`);
    this.addSql(`alter table \`jobs\` add column \`sku\` text null;`);
    this.addSql(`create index \`jobs_org_id_end_user_id_id_index\` on \`jobs\` (\`org_id\`, \`end_user_id\`, \`id\`);`);

    this.addSql(`alter table \`images\` add column \`end_user_id\` text null;`);
    this.addSql(`create index \`images_org_id_end_user_id_id_index\` on \`images\` (\`org_id\`, \`end_user_id\`, \`id\`);`);
  }

}
