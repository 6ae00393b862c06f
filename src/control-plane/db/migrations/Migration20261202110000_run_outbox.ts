import { Migration } from '@mikro-orm/migrations';

/**
 * The outbox moves onto the run row: `workflow_run` gets the job's content
 * (queue, job name, payload, priority, job options) and its dispatch state
 * (`dispatched_at`, null while the relay has still to send it), plus
 * `dispatch_seq`, the relay order (spawn order) the outbox's bigserial id
 * used to give. Rows still in `outbox_message` — pending ones included —
 * are copied onto their runs (keeping their ids as `dispatch_seq`, so they go
 * out before anything spawned later), then the table is dropped. A run whose
 * outbox row was already pruned has no payload and counts as dispatched.
 * "Undispatched ⇒ has a payload" is a CHECK, and `dispatched_at` defaults to
 * now(): a run row written by anything but the spawn (which writes null
 * explicitly, with the payload) is never taken for one to send.
 *
 * Indexes: `workflow_run_undispatched_index` is what the relay's claim scans
 * (in order, stopping after its batch); `workflow_run_payload_kept_index` is
 * what the prune walks to find payloads past their retention.
 */
export class Migration20261202110000_run_outbox extends Migration {
  override up(): void {
    this.addSql(
      `alter table "workflow_run" add column "queue" varchar(128) null, add column "job_name" varchar(128) null, add column "payload" jsonb null, add column "priority" int not null default 0, add column "job_options" jsonb null, add column "dispatch_seq" bigint null, add column "dispatched_at" timestamptz null;`,
    );
    this.addSql(`create sequence "workflow_run_dispatch_seq_seq" owned by "workflow_run"."dispatch_seq";`);
    this.addSql(
      `update "workflow_run" r set "queue" = o."queue", "job_name" = o."job_name", "payload" = o."payload", "priority" = o."priority", "job_options" = o."job_options", "dispatch_seq" = o."id", "dispatched_at" = o."dispatched_at", "run_at" = coalesce(r."run_at", o."run_at") from "outbox_message" o where o."run_id" = r."id";`,
    );
    this.addSql(
      `update "workflow_run" set "dispatched_at" = coalesce("queued_at", "finished_at", "enqueued_at") where "dispatched_at" is null and "payload" is null;`,
    );
    this.addSql(`select setval('"workflow_run_dispatch_seq_seq"', coalesce((select max("id") from "outbox_message"), 0) + 1, false);`);
    this.addSql(`alter table "workflow_run" alter column "dispatch_seq" set default nextval('"workflow_run_dispatch_seq_seq"');`);
    this.addSql(`alter table "workflow_run" alter column "dispatched_at" set default now();`);
    this.addSql(
      `alter table "workflow_run" add constraint "workflow_run_undispatched_has_payload_check" check ("dispatched_at" is not null or ("payload" is not null and "queue" is not null and "job_name" is not null));`,
    );
    this.addSql(`create index "workflow_run_undispatched_index" on "workflow_run" ("dispatch_seq") where "dispatched_at" is null;`);
    this.addSql(`create index "workflow_run_payload_kept_index" on "workflow_run" ("dispatched_at") where "payload" is not null;`);
    this.addSql(`drop table "outbox_message";`);
  }

  override down(): void {
    this.addSql(
      `create table "outbox_message" ("id" bigserial primary key, "run_id" uuid not null, "queue" varchar(128) not null, "job_name" varchar(128) not null, "payload" jsonb not null, "priority" int not null default 0, "created_at" timestamptz not null, "dispatched_at" timestamptz null, "job_options" jsonb null, "run_at" timestamptz null);`,
    );
    this.addSql(`alter table "outbox_message" add constraint "outbox_message_run_id_unique" unique ("run_id");`);
    this.addSql(`create index "outbox_message_pending_index" on "outbox_message" ("id") where "dispatched_at" is null;`);
    this.addSql(`create index "outbox_message_dispatched_at_index" on "outbox_message" ("dispatched_at");`);
    this.addSql(
      `insert into "outbox_message" ("id", "run_id", "queue", "job_name", "payload", "priority", "created_at", "dispatched_at", "job_options", "run_at") select coalesce("dispatch_seq", nextval('"workflow_run_dispatch_seq_seq"')), "id", "queue", "job_name", "payload", "priority", "enqueued_at", "dispatched_at", "job_options", "run_at" from "workflow_run" where "payload" is not null and "queue" is not null and "job_name" is not null order by "dispatch_seq";`,
    );
    this.addSql(`select setval('"outbox_message_id_seq"', coalesce((select max("id") from "outbox_message"), 0) + 1, false);`);
    this.addSql(
      `alter table "workflow_run" drop column "queue", drop column "job_name", drop column "payload", drop column "priority", drop column "job_options", drop column "dispatch_seq", drop column "dispatched_at";`,
    );
  }
}
