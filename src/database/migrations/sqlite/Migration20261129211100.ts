import { Migration } from '@mikro-orm/migrations';

export class Migration20261129211100 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`client_token_usage\` (\`token_hash\` text not null, \`org_id\` text not null, \`images\` integer not null default 0, \`expires_at\` datetime not null, constraint \`client_token_usage_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`token_hash\`));`);
    this.addSql(`create index \`client_token_usage_org_id_index\` on \`client_token_usage\` (\`org_id\`);`);
    this.addSql(`create index \`client_token_usage_expires_at_index\` on \`client_token_usage\` (\`expires_at\`);`);
  }

}
