import { Migration } from '@mikro-orm/migrations';

export class Migration20261130000000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`studio_results\` (\`job_id\` text not null, \`org_id\` text not null, \`report\` json not null, \`created_at\` datetime not null, constraint \`studio_results_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`job_id\`));`);
    this.addSql(`create index \`studio_results_org_id_index\` on \`studio_results\` (\`org_id\`);`);
  }

}
