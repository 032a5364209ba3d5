import { Migration } from '@mikro-orm/migrations';

export class Migration20261130040000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`provider_credentials\` (\`id\` text not null, \`org_id\` text not null, \`provider\` text not null, \`sealed_values\` text not null, \`hint\` json not null, \`created_by\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`verified_at\` datetime null, constraint \`provider_credentials_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`provider_credentials_org_id_index\` on \`provider_credentials\` (\`org_id\`);`);
    this.addSql(`create unique index \`provider_credentials_org_id_provider_unique\` on \`provider_credentials\` (\`org_id\`, \`provider\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`provider_credentials\`;`);
  }

}
