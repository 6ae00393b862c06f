/** A task's data does not make a valid TaskSpawnContext. Names the task and each failing field. */
export class InvalidTaskContextError extends Error {
  constructor(
    readonly taskId: string,
    readonly fields: readonly { path: string; message: string }[],
    options?: { cause?: unknown },
  ) {
    super(`task ${taskId}: invalid spawn context — ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`, options);
    this.name = this.constructor.name;
  }
}
