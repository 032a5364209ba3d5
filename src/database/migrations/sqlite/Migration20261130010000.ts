import { Migration } from '@mikro-orm/migrations';

export class Migration20261130010000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`channel_connections\` (\`id\` text not null, \`org_id\` text not null, \`channel\` text not null, \`name\` text not null, \`sealed_credentials\` text not null, \`credential_hint\` json not null, \`account_id\` text not null, \`account_name\` text not null, \`status\` text not null default 'active', \`last_error\` text null, \`last_checked_at\` datetime not null, \`created_by\` text not null, \`created_at\` datetime not null, constraint \`channel_connections_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`channel_connections_org_id_index\` on \`channel_connections\` (\`org_id\`);`);
    this.addSql(`create index \`channel_connections_org_id_id_index\` on \`channel_connections\` (\`org_id\`, \`id\`);`);
  }

}
