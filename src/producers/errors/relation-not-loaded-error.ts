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
  ) {
    super(`task ${taskId}: relation "${relation}" is not loaded (load it with populate: ['${relation}'])`);
    this.name = this.constructor.name;
  }
}
