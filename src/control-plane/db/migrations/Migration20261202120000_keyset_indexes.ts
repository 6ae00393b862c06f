import { Migration } from '@mikro-orm/migrations';

/**
 * One index per list of the API, in its keyset order (keyset-page.ts: newest
 * first by (timestamp, id)), so a page is an index range scan whatever the
 * table's size, instead of a sort of every row. workflow_run's `enqueued_at`
 * never changes after insert, so this index does not stop HOT updates of a
 * run's status; it costs one index entry per spawned run.
 */
export class Migration20261202120000_keyset_indexes extends Migration {
  override up(): void {
    this.addSql(`create index "motivational_state_created_at_id_index" on "motivational_state" ("created_at", "id");`);
    this.addSql(`create index "motivational_task_created_at_id_index" on "motivational_task" ("created_at", "id");`);
    this.addSql(`create index "workflow_run_enqueued_at_id_index" on "workflow_run" ("enqueued_at", "id");`);
  }

  override down(): void {
    this.addSql(`drop index if exists "workflow_run_enqueued_at_id_index";`);
    this.addSql(`drop index if exists "motivational_task_created_at_id_index";`);
    this.addSql(`drop index if exists "motivational_state_created_at_id_index";`);
  }
}
