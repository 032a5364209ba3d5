import { Migration } from '@mikro-orm/migrations';

/** Jobs without an end user, Idempotency-Key or batch stay out of those indexes (see Job). */
export class Migration20261130130000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`drop index "jobs_org_id_end_user_id_id_index";`);
    this.addSql(`create index "jobs_org_id_end_user_id_id_index" on "jobs" ("org_id", "end_user_id", "id") where "end_user_id" is not null;`);
    this.addSql(`drop index "jobs_org_id_idempotency_key_index";`);
    this.addSql(`create index "jobs_org_id_idempotency_key_index" on "jobs" ("org_id", "idempotency_key") where "idempotency_key" is not null;`);
    this.addSql(`drop index "jobs_parent_id_index";`);
    this.addSql(`create index "jobs_parent_id_index" on "jobs" ("parent_id") where "parent_id" is not null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index "jobs_org_id_end_user_id_id_index";`);
    this.addSql(`create index "jobs_org_id_end_user_id_id_index" on "jobs" ("org_id", "end_user_id", "id");`);
    this.addSql(`drop index "jobs_org_id_idempotency_key_index";`);
    this.addSql(`create index "jobs_org_id_idempotency_key_index" on "jobs" ("org_id", "idempotency_key");`);
    this.addSql(`drop index "jobs_parent_id_index";`);
    this.addSql(`create index "jobs_parent_id_index" on "jobs" ("parent_id");`);
  }

}
