import { Migration } from '@mikro-orm/migrations';

/**
 * Generic runs: a run records the spawnable it came from and its subject's
 * id (text, whatever the entity's primary key), not a foreign key to one
 * entity type. Existing runs are the built-in spawnable's: backfilled from
 * task_id. `task_id` stays, nullable and without its foreign key, as the
 * built-in spawnable's subject in uuid form (the /tasks routes, schedules and
 * redrives read it); other spawnables leave it null.
 */
export class Migration20261202100000_generic_runs extends Migration {
  override up(): void {
    this.addSql(`alter table "workflow_run" add column "spawnable" text null, add column "subject_id" text null;`);
    this.addSql(`update "workflow_run" set "spawnable" = 'motivational-task', "subject_id" = "task_id"::text;`);
    this.addSql(`alter table "workflow_run" alter column "spawnable" set not null, alter column "subject_id" set not null;`);
    this.addSql(`alter table "workflow_run" drop constraint if exists "workflow_run_task_id_foreign";`);
    this.addSql(`alter table "workflow_run" alter column "task_id" drop not null;`);
    this.addSql(`create index "workflow_run_spawnable_subject_id_index" on "workflow_run" ("spawnable", "subject_id");`);
  }

  override down(): void {
    this.addSql(`drop index if exists "workflow_run_spawnable_subject_id_index";`);
    this.addSql(`delete from "workflow_run" where "task_id" is null;`);
    this.addSql(`alter table "workflow_run" alter column "task_id" set not null;`);
    this.addSql(`alter table "workflow_run" add constraint "workflow_run_task_id_foreign" foreign key ("task_id") references "motivational_task" ("id");`);
    this.addSql(`alter table "workflow_run" drop column "spawnable", drop column "subject_id";`);
  }
}
