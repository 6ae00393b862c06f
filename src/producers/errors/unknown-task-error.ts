/** Some task ids given to `spawn` do not exist. Nothing is spawned: the whole call is refused. */
export class UnknownTaskError extends Error {
  constructor(readonly taskIds: readonly string[]) {
    super(`unknown task id${taskIds.length === 1 ? '' : 's'}: ${taskIds.join(', ')}`);
    this.name = this.constructor.name;
  }
}
