import { Migration } from '@mikro-orm/migrations';

export class Migration20261130070000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`routing_policies\` (\`id\` text not null, \`org_id\` text not null, \`operation\` text not null, \`targets\` json not null, \`updated_by\` text not null, \`updated_at\` datetime not null, constraint \`routing_policies_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`routing_policies_org_id_index\` on \`routing_policies\` (\`org_id\`);`);
    this.addSql(`create unique index \`routing_policies_org_id_operation_unique\` on \`routing_policies\` (\`org_id\`, \`operation\`);`);
    this.addSql(`create table \`job_steps\` (\`id\` text not null, \`job_id\` text not null, \`org_id\` text not null, \`attempt\` integer not null, \`provider\` text not null, \`model\` text not null, \`key_source\` text not null, \`status\` text not null, \`error_code\` text null, \`error_message\` text null, \`request_id\` text null, \`latency_ms\` integer not null, \`provider_cost\` real null, \`provider_cost_currency\` text null, \`credits\` integer not null, \`created_at\` datetime not null, constraint \`job_steps_job_id_foreign\` foreign key(\`job_id\`) references \`jobs\`(\`id\`) on delete cascade on update cascade, constraint \`job_steps_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`job_steps_job_id_index\` on \`job_steps\` (\`job_id\`);`);
    this.addSql(`create index \`job_steps_org_id_index\` on \`job_steps\` (\`org_id\`);`);
    this.addSql(`create index \`job_steps_job_id_created_at_index\` on \`job_steps\` (\`job_id\`, \`created_at\`);`);
    this.addSql(`create index \`job_steps_org_id_created_at_index\` on \`job_steps\` (\`org_id\`, \`created_at\`);`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists \`job_steps\`;`);
    this.addSql(`drop table if exists \`routing_policies\`;`);
  }

}
