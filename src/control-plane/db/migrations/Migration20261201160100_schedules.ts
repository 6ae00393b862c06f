import { Migration } from '@mikro-orm/migrations';

/**
 * Schedules (cron + time zone + the tasks to spawn) and their fired slots:
 * the (schedule, slot) primary key is what makes a slot fire once, whatever
 * the number of control planes (docs/run-control.md).
 */
export class Migration20261201160100_schedules extends Migration {
  override up(): void {
    this.addSql(
      `create table "schedule" ("id" uuid not null, "name" varchar(128) not null, "cron" varchar(256) not null, "time_zone" varchar(64) not null, "task_ids" uuid[] not null, "paused" boolean not null default false, "created_at" timestamptz not null, "last_slot" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`alter table "schedule" add constraint "schedule_name_unique" unique ("name");`);
    this.addSql(
      `create table "schedule_fire" ("schedule_id" uuid not null, "slot" timestamptz not null, "fired_at" timestamptz not null, "run_ids" uuid[] not null, "error" text null, primary key ("schedule_id", "slot"));`,
    );
    this.addSql(
      `alter table "schedule_fire" add constraint "schedule_fire_schedule_id_foreign" foreign key ("schedule_id") references "schedule" ("id") on delete cascade;`,
    );
  }

  override down(): void {
    this.addSql(`drop table if exists "schedule_fire" cascade;`);
    this.addSql(`drop table if exists "schedule" cascade;`);
  }
}
