import { Migration } from '@mikro-orm/migrations';

/**
 * Outcomes the recorder refused (unknown run, never dispatched, workflow or
 * task mismatch, implausible attempt, results job over the size cap): kept
 * for inspection, never applied. `outcome` is the refused entry as JSON text,
 * cut and made storable (it may hold what jsonb refuses).
 */
export class Migration20261201120000_outcome_quarantine extends Migration {
  override up(): void {
    this.addSql(
      `create table "outcome_quarantine" ("id" bigserial primary key, "run_id" text null, "reason" varchar(32) not null, "detail" text not null, "outcome" text not null, "results_job_id" text null, "received_at" timestamptz not null default now());`,
    );
    this.addSql(`create index "outcome_quarantine_received_at_index" on "outcome_quarantine" ("received_at");`);
  }

  override down(): void {
    this.addSql(`drop table if exists "outcome_quarantine" cascade;`);
  }
}
