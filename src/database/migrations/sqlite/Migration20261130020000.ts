import { Migration } from '@mikro-orm/migrations';

export class Migration20261130020000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table \`jobs\` add column \`progress\` json null;`);

    this.addSql(`alter table \`channel_connections\` add column \`rule_pack\` text null;`);
    this.addSql(`alter table \`channel_connections\` add column \`sealed_webhook_secret\` text null;`);

    this.addSql(`alter table \`channel_products\` add column \`compliance_state\` text not null default 'unchecked';`);
    this.addSql(`alter table \`channel_products\` add column \`compliance\` json not null default '[]';`);
    this.addSql(`create index \`channel_products_connection_id_compliance_state_index\` on \`channel_products\` (\`connection_id\`, \`compliance_state\`);`);
  }

}
