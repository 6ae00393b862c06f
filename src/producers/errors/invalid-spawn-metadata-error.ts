import { NYX_ERROR } from '../../shared/errors/nyx-error.js';
/**
 * The `metadata` given to a spawn call is JSON but not a JSON object (an
 * array, a string, null…): it is merged key by key into each task's
 * `TaskSpawnContext.metadata`, so it needs named keys. Raised before anything
 * is read or written.
 */
export class InvalidSpawnMetadataError extends TypeError {
  readonly code = 'invalid_spawn_metadata';
  readonly kind = 'input';
  readonly [NYX_ERROR] = true as const;

  constructor(readonly found: string) {
    super(`metadata: ${found} is not a JSON object — pass an object such as { requestedBy: "ops" }`);
    this.name = this.constructor.name;
  }
}
