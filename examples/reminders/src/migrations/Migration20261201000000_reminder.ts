import { Migration } from '@mikro-orm/migrations';

export class Migration20261201000000_reminder extends Migration {
  override up(): void {
    this.addSql(`create table "person" ("id" serial primary key, "name" text not null, "email" text not null);`);
    this.addSql(
      `create table "reminder" ("id" uuid not null, "text" text not null, "person_id" int not null references "person" ("id"), "run_id" uuid null, "created_at" timestamptz not null, primary key ("id"));`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "reminder";`);
    this.addSql(`drop table if exists "person";`);
  }
}
