import { Migration } from '@mikro-orm/migrations';

export class Migration20261201000000_reminder extends Migration {
  override up(): void {
    this.addSql(
      `create table "reminder" ("id" uuid not null, "text" text not null, "run_id" uuid null, "created_at" timestamptz not null, primary key ("id"));`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "reminder";`);
  }
}
