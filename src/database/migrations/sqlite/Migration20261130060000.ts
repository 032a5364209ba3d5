import { Migration } from '@mikro-orm/migrations';

/**
 * The asset library, and its full-text index: an FTS5 table over title, tags (the JSON text, whose
 * punctuation the tokenizer skips) and prompt, filled by triggers. Not an external-content table:
 * that needs a stable integer rowid, and library_assets is keyed by a text id.
 */
export class Migration20261130060000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table \`library_assets\` (\`id\` text not null, \`org_id\` text null, \`type\` text not null, \`title\` text not null, \`tags\` json not null, \`prompt\` text null, \`licence\` text null, \`storage_key\` text not null, \`mime_type\` text not null, \`format\` text not null, \`width\` integer null, \`height\` integer null, \`bytes\` integer not null, \`source_image_id\` text null, \`created_by\` text not null, \`created_at\` datetime not null, constraint \`library_assets_org_id_foreign\` foreign key(\`org_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`);
    this.addSql(`create index \`library_assets_org_id_index\` on \`library_assets\` (\`org_id\`);`);
    this.addSql(`create index \`library_assets_org_id_created_at_index\` on \`library_assets\` (\`org_id\`, \`created_at\`);`);
    this.addSql(`create virtual table \`library_assets_fts\` using fts5(\`asset_id\` unindexed, \`title\`, \`tags\`, \`prompt\`, tokenize = 'unicode61 remove_diacritics 0');`);
    this.addSql(`create trigger \`library_assets_fts_insert\` after insert on \`library_assets\` begin insert into \`library_assets_fts\` (\`asset_id\`, \`title\`, \`tags\`, \`prompt\`) values (new.\`id\`, new.\`title\`, new.\`tags\`, coalesce(new.\`prompt\`, '')); end;`);
    this.addSql(`create trigger \`library_assets_fts_update\` after update of \`title\`, \`tags\`, \`prompt\` on \`library_assets\` begin update \`library_assets_fts\` set \`title\` = new.\`title\`, \`tags\` = new.\`tags\`, \`prompt\` = coalesce(new.\`prompt\`, '') where \`asset_id\` = old.\`id\`; end;`);
    this.addSql(`create trigger \`library_assets_fts_delete\` after delete on \`library_assets\` begin delete from \`library_assets_fts\` where \`asset_id\` = old.\`id\`; end;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop trigger if exists \`library_assets_fts_delete\`;`);
    this.addSql(`drop trigger if exists \`library_assets_fts_update\`;`);
    this.addSql(`drop trigger if exists \`library_assets_fts_insert\`;`);
    this.addSql(`drop table if exists \`library_assets_fts\`;`);
    this.addSql(`drop table if exists \`library_assets\`;`);
  }

}
