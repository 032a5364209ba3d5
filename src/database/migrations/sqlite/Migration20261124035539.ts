import { Migration } from '@mikro-orm/migrations';

export class Migration20261124035539 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`org_webhook_secrets\` (\`org_id\` text not null, \`sealed_secret\` text not null, \`previous_sealed_secret\` text null, \`previous_secret_until\` datetime null, \`created_at\` datetime not null, \`rotated_at\` datetime null, constraint \`org_webhook_secrets_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`org_id\`));`);

    this.addSql(`create table \`webhook_deliveries\` (\`id\` text not null, \`org_id\` text not null, \`event_id\` text not null, \`event_type\` text not null, \`target\` text not null, \`endpoint_id\` text null, \`url\` text not null, \`payload\` text not null, \`status\` text not null default 'pending', \`attempts\` integer not null default 0, \`next_attempt_at\` datetime null, \`last_status_code\` integer null, \`last_error\` text null, \`created_at\` datetime not null, \`delivered_at\` datetime null, constraint \`webhook_deliveries_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`webhook_deliveries_org_id_index\` on \`webhook_deliveries\` (\`org_id\`);`);
    this.addSql(`create index \`webhook_deliveries_status_next_attempt_at_index\` on \`webhook_deliveries\` (\`status\`, \`next_attempt_at\`);`);
    this.addSql(`create index \`webhook_deliveries_org_id_id_index\` on \`webhook_deliveries\` (\`org_id\`, \`id\`);`);
    this.addSql(`create unique index \`webhook_deliveries_event_id_target_unique\` on \`webhook_deliveries\` (\`event_id\`, \`target\`);`);

    this.addSql(`create table \`webhook_attempts\` (\`id\` text not null, \`delivery_id\` text not null, \`attempted_at\` datetime not null, \`status_code\` integer null, \`error\` text null, \`duration_ms\` integer not null, \`response_body\` text null, constraint \`webhook_attempts_delivery_id_foreign\` foreign key(\`delivery_id\`) references \`webhook_deliveries\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`webhook_attempts_delivery_id_index\` on \`webhook_attempts\` (\`delivery_id\`);`);

    this.addSql(`create table \`webhook_endpoints\` (\`id\` text not null, \`org_id\` text not null, \`url\` text not null, \`description\` text null, \`events\` json not null, \`sealed_secret\` text not null, \`previous_sealed_secret\` text null, \`previous_secret_until\` datetime null, \`enabled\` integer not null default true, \`disabled_reason\` text null, \`failing_since\` datetime null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`webhook_endpoints_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`webhook_endpoints_org_id_index\` on \`webhook_endpoints\` (\`org_id\`);`);
    this.addSql(`create index \`webhook_endpoints_org_id_id_index\` on \`webhook_endpoints\` (\`org_id\`, \`id\`);`);
  }

}
