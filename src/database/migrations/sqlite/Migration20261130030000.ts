import { Migration } from '@mikro-orm/migrations';

export class Migration20261130030000 extends Migration {

  override async up(): Promise<void> {
    // SQLite cannot make a column nullable in place: the table is rebuilt, with the gate's columns.
    this.addSql(`create table \`channel_publishes__new\` (\`id\` text not null, \`org_id\` text not null, \`connection_id\` text not null, \`product_external_id\` text not null, \`product_title\` text not null, \`image_id\` text null, \`source_image_external_id\` text null, \`compliance\` text not null default 'skip', \`report\` json null, \`fixed_image_id\` text null, \`slot\` text not null, \`position\` integer null, \`replace_image_external_id\` text null, \`alt\` text null, \`status\` text not null default 'queued', \`external_image_id\` text null, \`attempts\` integer not null default 0, \`error\` json null, \`job_id\` text not null, \`created_by\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`channel_publishes_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, constraint \`channel_publishes_connection_id_foreign\` foreign key(\`connection_id\`) references \`channel_connections\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`insert into \`channel_publishes__new\` (\`id\`, \`org_id\`, \`connection_id\`, \`product_external_id\`, \`product_title\`, \`image_id\`, \`slot\`, \`position\`, \`replace_image_external_id\`, \`alt\`, \`status\`, \`external_image_id\`, \`attempts\`, \`error\`, \`job_id\`, \`created_by\`, \`created_at\`, \`updated_at\`) select \`id\`, \`org_id\`, \`connection_id\`, \`product_external_id\`, \`product_title\`, \`image_id\`, \`slot\`, \`position\`, \`replace_image_external_id\`, \`alt\`, \`status\`, \`external_image_id\`, \`attempts\`, \`error\`, \`job_id\`, \`created_by\`, \`created_at\`, \`updated_at\` from \`channel_publishes\`;`);
    this.addSql(`drop table \`channel_publishes\`;`);
    this.addSql(`alter table \`channel_publishes__new\` rename to \`channel_publishes\`;`);
    this.addSql(`create index \`channel_publishes_org_id_index\` on \`channel_publishes\` (\`org_id\`);`);
    this.addSql(`create index \`channel_publishes_connection_id_index\` on \`channel_publishes\` (\`connection_id\`);`);
    this.addSql(`create index \`channel_publishes_org_id_id_index\` on \`channel_publishes\` (\`org_id\`, \`id\`);`);
    this.addSql(`create index \`channel_publishes_job_id_index\` on \`channel_publishes\` (\`job_id\`);`);
  }

}
