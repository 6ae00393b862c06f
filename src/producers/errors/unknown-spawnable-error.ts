import { NyxError } from '../../shared/errors/nyx-error.js';
/** A spawn names a spawnable nobody registered (`ControlPlane.open({ spawnables })`). Nothing is spawned. */
export class UnknownSpawnableError extends NyxError {
  readonly code = 'unknown_spawnable';
  readonly kind = 'not_found';

  constructor(
    readonly spawnable: string,
    readonly known: readonly string[],
  ) {
    super(`unknown spawnable "${spawnable}" (registered: ${known.join(', ')})`);
    this.name = this.constructor.name;
  }
}
