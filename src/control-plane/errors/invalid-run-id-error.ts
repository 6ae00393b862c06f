/** Some ids given to cancel or fail are not run ids (uuids). Nothing is changed: the whole call is refused. */
export class InvalidRunIdError extends Error {
  constructor(readonly runIds: readonly string[]) {
    super(`not a run id (uuid): ${runIds.map((id) => JSON.stringify(id)).join(', ')}`);
    this.name = this.constructor.name;
  }
}
