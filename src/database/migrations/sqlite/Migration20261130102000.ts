import { Migration } from '@mikro-orm/migrations';

export class Migration20261130102000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create index \`credit_ledger_org_id_amount_index\` on \`credit_ledger\` (\`org_id\`, \`amount\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index \`credit_ledger_org_id_amount_index\`;`);
  }

}
