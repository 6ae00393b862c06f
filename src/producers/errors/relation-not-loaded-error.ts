import { NyxError } from '../../shared/errors/nyx-error.js';
/**
 * An entity reached the session boundary with a relation that was never
 * loaded: in MikroORM its fields would read as `undefined`, silently. The
 * extractor refuses it instead of sending `undefined` on. Fix: load with
 * `populate: ['<relation>']`.
 */
export class RelationNotLoadedError extends NyxError {
  readonly code = 'relation_not_loaded';
  readonly kind = 'internal';

  constructor(
    readonly taskId: string,
    readonly relation: string,
    /** What the id names in the message: `task`, or another spawnable's entity name. */
    readonly subject = 'task',
  ) {
    super(`${subject} ${taskId}: relation "${relation}" is not loaded (add it to the spawnable's populate: ['${relation}'])`);
    this.name = this.constructor.name;
  }
}
