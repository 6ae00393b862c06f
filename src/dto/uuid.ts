/**
 * The one UUID check (run ids, task ids, job ids): any case is accepted and
 * ids are compared and stored in lower case, the form PostgreSQL prints and
 * `randomUUID()` makes. Imports nothing, so both sides may use it.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for a UUID in any case (`0F…` as well as `0f…`). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** The UUID in lower case, or null when `value` is not one. */
export function normalizeUuid(value: string): string | null {
  return UUID.test(value) ? value.toLowerCase() : null;
}
