import { Migration } from '@mikro-orm/migrations';

/**
 * Run control: per-run job policy and run time on the outbox row, the
 * `cancelled` and `delayed` statuses, and the run time on the run.
 */
export class Migration20261201160000_run_control extends Migration {
  override up(): void {
    this.addSql(`alter table "outbox_message" add column "job_options" jsonb null, add column "run_at" timestamptz null;`);
    this.addSql(`alter table "workflow_run" add column "run_at" timestamptz null;`);
    this.addSql(`alter table "workflow_run" drop constraint "workflow_run_status_check";`);
    this.addSql(
      `alter table "workflow_run" add constraint "workflow_run_status_check" check ("status" in ('pending', 'delayed', 'queued', 'running', 'completed', 'failed', 'dead', 'cancelled'));`,
    );
  }

  override down(): void {
    this.addSql(`alter table "workflow_run" drop constraint "workflow_run_status_check";`);
    this.addSql(
      `alter table "workflow_run" add constraint "workflow_run_status_check" check ("status" in ('pending', 'queued', 'running', 'completed', 'failed', 'dead'));`,
    );
    this.addSql(`alter table "workflow_run" drop column "run_at";`);
    this.addSql(`alter table "outbox_message" drop column "job_options", drop column "run_at";`);
  }
}
