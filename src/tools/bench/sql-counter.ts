/**
 * Counts SQL statements per unit of work. The ORM's logger (`onQuery` in
 * src/control-plane/db/orm.ts) sees every statement of the process — relay, recorder and
 * spawns interleaved — so each statement is charged to the unit whose async
 * context issued it (AsyncLocalStorage survives the awaits inside MikroORM
 * down to the line that logs the executed query). Statements issued outside
 * any unit (the relay's loop, the recorder) count only in `total`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

interface Unit {
  statements: number;
}

export class SqlCounter {
  readonly #context = new AsyncLocalStorage<Unit>();
  /** Every statement the ORM logged since this counter was made. */
  total = 0;

  /** Pass as `openOrm({ onQuery })`. MikroORM logs BEGIN and COMMIT as statements too: they are round trips. */
  readonly onQuery = (message: string): void => {
    if (!message.includes('[query]')) return;
    this.total += 1;
    const unit = this.#context.getStore();
    if (unit) unit.statements += 1;
  };

  /** Runs `work` and returns its result with the statements it issued. */
  async measure<T>(work: () => Promise<T>): Promise<{ result: T; statements: number }> {
    const unit: Unit = { statements: 0 };
    const result = await this.#context.run(unit, work);
    return { result, statements: unit.statements };
  }
}
