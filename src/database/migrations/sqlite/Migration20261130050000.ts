import { Migration } from '@mikro-orm/migrations';

/** Videos the videos.generate jobs made; their files are encrypted in the file store. */
export class Migration20261130050000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`videos\` (\`id\` text not null, \`org_id\` text not null, \`job_id\` text not null, \`storage_key\` text not null, \`mime_type\` text not null, \`width\` integer not null, \`height\` integer not null, \`duration_seconds\` real not null, \`bytes\` integer not null, \`prompt\` text not null, \`provider\` text not null, \`model\` text not null, \`created_by\` text not null, \`end_user_id\` text null, \`created_at\` datetime not null, constraint \`videos_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`videos_org_id_index\` on \`videos\` (\`org_id\`);`);
    this.addSql(`create index \`videos_job_id_index\` on \`videos\` (\`job_id\`);`);
    this.addSql(`create index \`videos_org_id_id_index\` on \`videos\` (\`org_id\`, \`id\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`videos\`;`);
  }

}
