import { Migration } from '@mikro-orm/migrations';

export class Migration20261130010000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`channel_connections\` (\`id\` text not null, \`org_id\` text not null, \`channel\` text not null, \`name\` text not null, \`sealed_credentials\` text not null, \`credential_hint\` json not null, \`account_id\` text not null, \`account_name\` text not null, \`status\` text not null default 'active', \`last_error\` text null, \`last_checked_at\` datetime not null, \`last_synced_at\` datetime null, \`created_by\` text not null, \`created_at\` datetime not null, constraint \`channel_connections_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`channel_connections_org_id_index\` on \`channel_connections\` (\`org_id\`);`);
    this.addSql(`create index \`channel_connections_org_id_id_index\` on \`channel_connections\` (\`org_id\`, \`id\`);`);

    this.addSql(`create table \`channel_products\` (\`id\` text not null, \`org_id\` text not null, \`connection_id\` text not null, \`external_id\` text not null, \`title\` text not null, \`search_text\` text not null, \`variants\` json not null, \`images\` json not null, \`store_updated_at\` datetime not null, \`synced_at\` datetime not null, constraint \`channel_products_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, constraint \`channel_products_connection_id_foreign\` foreign key(\`connection_id\`) references \`channel_connections\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`channel_products_org_id_index\` on \`channel_products\` (\`org_id\`);`);
    this.addSql(`create index \`channel_products_connection_id_index\` on \`channel_products\` (\`connection_id\`);`);
    this.addSql(`create index \`channel_products_org_id_connection_id_id_index\` on \`channel_products\` (\`org_id\`, \`connection_id\`, \`id\`);`);
    this.addSql(`create unique index \`channel_products_connection_id_external_id_unique\` on \`channel_products\` (\`connection_id\`, \`external_id\`);`);

    this.addSql(`create table \`channel_publishes\` (\`id\` text not null, \`org_id\` text not null, \`connection_id\` text not null, \`product_external_id\` text not null, \`product_title\` text not null, \`image_id\` text not null, \`slot\` text not null, \`position\` integer null, \`replace_image_external_id\` text null, \`alt\` text null, \`status\` text not null default 'queued', \`external_image_id\` text null, \`attempts\` integer not null default 0, \`error\` json null, \`job_id\` text not null, \`created_by\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`channel_publishes_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, constraint \`channel_publishes_connection_id_foreign\` foreign key(\`connection_id\`) references \`channel_connections\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`channel_publishes_org_id_index\` on \`channel_publishes\` (\`org_id\`);`);
    this.addSql(`create index \`channel_publishes_connection_id_index\` on \`channel_publishes\` (\`connection_id\`);`);
    this.addSql(`create index \`channel_publishes_org_id_id_index\` on \`channel_publishes\` (\`org_id\`, \`id\`);`);
    this.addSql(`create index \`channel_publishes_job_id_index\` on \`channel_publishes\` (\`job_id\`);`);
  }

}
