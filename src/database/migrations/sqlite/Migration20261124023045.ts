import { Migration } from '@mikro-orm/migrations';

export class Migration20261124023045 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`jobs\` (\`id\` text not null, \`org_id\` text not null, \`type\` text not null, \`status\` text not null default 'queued', \`input\` json not null, \`created_by\` text not null, \`reservation_id\` text null, \`cost\` integer not null default 0, \`error\` json null, \`attempts\` integer not null default 0, \`run_after\` datetime not null, \`cancel_requested\` integer not null default false, \`metadata\` json null, \`created_at\` datetime not null, \`started_at\` datetime null, \`finished_at\` datetime null, constraint \`jobs_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`jobs_org_id_index\` on \`jobs\` (\`org_id\`);`);
    this.addSql(`create index \`jobs_status_run_after_index\` on \`jobs\` (\`status\`, \`run_after\`);`);
    this.addSql(`create index \`jobs_org_id_id_index\` on \`jobs\` (\`org_id\`, \`id\`);`);

    this.addSql(`create table \`images\` (\`id\` text not null, \`org_id\` text not null, \`job_id\` text not null, \`storage_key\` text not null, \`format\` text not null, \`width\` integer not null, \`height\` integer not null, \`bytes\` integer not null, \`prompt\` text not null, \`style\` text null, \`provider\` text not null, \`model\` text not null, \`seed\` bigint not null, \`created_by\` text not null, \`created_at\` datetime not null, constraint \`images_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`images_org_id_index\` on \`images\` (\`org_id\`);`);
    this.addSql(`create index \`images_job_id_index\` on \`images\` (\`job_id\`);`);
    this.addSql(`create index \`images_org_id_id_index\` on \`images\` (\`org_id\`, \`id\`);`);
  }

}
