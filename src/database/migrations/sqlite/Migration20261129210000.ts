import { Migration } from '@mikro-orm/migrations';

export class Migration20261129210000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`idempotency_keys\` add column \`locked_until\` datetime null;`);
    this.addSql(`alter table \`jobs\` add column \`idempotency_key\` text null;`);
    this.addSql(`create index \`jobs_org_id_idempotency_key_index\` on \`jobs\` (\`org_id\`, \`idempotency_key\`);`);
  }

}
