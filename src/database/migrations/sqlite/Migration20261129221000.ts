import { Migration } from '@mikro-orm/migrations';

export class Migration20261129221000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`plugins\` (\`kind\` text not null, \`id\` text not null, \`use\` text not null, \`enabled\` integer not null default true, \`first_seen_at\` datetime not null, \`last_seen_at\` datetime not null, primary key (\`kind\`, \`id\`));`);
  }

}
