import { Migration } from '@mikro-orm/migrations';

/** States, tasks, runs and the outbox. */
export class Migration20261128000000_initial extends Migration {
  override up(): void {
    this.addSql(
      `create table "motivational_state" ("id" serial primary key, "motivation_type" varchar(64) not null, "intensity" double precision not null, "description" text null, "created_at" timestamptz not null);`,
    );
    this.addSql(
      `create table "motivational_task" ("id" uuid not null, "generated_prompt" text not null, "task_priority" int not null, "arbitration_score" double precision not null, "metadata" jsonb null, "motivational_state_id" int not null, "created_at" timestamptz not null, primary key ("id"));`,
    );
    this.addSql(
      `create table "outbox_message" ("id" bigserial primary key, "run_id" uuid not null, "queue" varchar(128) not null, "job_name" varchar(128) not null, "payload" jsonb not null, "priority" int not null default 0, "created_at" timestamptz not null, "dispatched_at" timestamptz null);`,
    );
    this.addSql(`alter table "outbox_message" add constraint "outbox_message_run_id_unique" unique ("run_id");`);
    this.addSql(`create index "outbox_message_pending_index" on "outbox_message" ("id") where "dispatched_at" is null;`);
    this.addSql(`create index "outbox_message_dispatched_at_index" on "outbox_message" ("dispatched_at");`);
    this.addSql(
      `create table "workflow_run" ("id" uuid not null, "task_id" uuid not null, "workflow" varchar(64) not null, "status" text not null default 'pending', "attempts" int not null default 0, "payload_version" int not null, "result" jsonb null, "error" text null, "enqueued_at" timestamptz not null, "queued_at" timestamptz null, "started_at" timestamptz null, "finished_at" timestamptz null, primary key ("id"));`,
    );
    this.addSql(`create index "workflow_run_task_id_index" on "workflow_run" ("task_id");`);
    this.addSql(`create index "workflow_run_status_index" on "workflow_run" ("status");`);
    this.addSql(
      `alter table "workflow_run" add constraint "workflow_run_status_check" check ("status" in ('pending', 'queued', 'running', 'completed', 'failed', 'dead'));`,
    );
    this.addSql(
      `alter table "motivational_task" add constraint "motivational_task_motivational_state_id_foreign" foreign key ("motivational_state_id") references "motivational_state" ("id");`,
    );
    this.addSql(`alter table "workflow_run" add constraint "workflow_run_task_id_foreign" foreign key ("task_id") references "motivational_task" ("id");`);
  }

  override down(): void {
    this.addSql(`drop table if exists "workflow_run" cascade;`);
    this.addSql(`drop table if exists "outbox_message" cascade;`);
    this.addSql(`drop table if exists "motivational_task" cascade;`);
    this.addSql(`drop table if exists "motivational_state" cascade;`);
  }
}
