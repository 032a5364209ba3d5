import { Migration } from '@mikro-orm/migrations';

export class Migration20261124023713 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`idempotency_keys\` (\`org_id\` text not null, \`key\` text not null, \`request_hash\` text not null, \`state\` text not null default 'in_progress', \`response_status\` integer null, \`response_body\` json null, \`expires_at\` datetime not null, constraint \`idempotency_keys_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`org_id\`, \`key\`));`);
    this.addSql(`create index \`idempotency_keys_org_id_index\` on \`idempotency_keys\` (\`org_id\`);`);
  }

}
