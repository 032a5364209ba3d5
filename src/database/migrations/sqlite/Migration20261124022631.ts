import { Migration } from '@mikro-orm/migrations';

export class Migration20261124022631 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`credit_ledger\` add column \`reference_id\` text null;`);
    this.addSql(`alter table \`credit_ledger\` add column \`settles\` text null;`);
    this.addSql(`create unique index \`credit_ledger_settles_unique\` on \`credit_ledger\` (\`settles\`);`);
  }

}
