/**
 * UUIDs arrive in any case (`nyx spawn 3F2504E0-…`, a client's own ids) but
 * PostgreSQL prints them in lower case, and code compares ids as strings
 * (a loaded task's id against the one asked for). So every edge lower-cases
 * a UUID once, here, before it is compared or stored.
 */

/** `value` lower-cased when it is a UUID in any case; anything else unchanged (the caller's check refuses it). */
export function normalizeUuid(value: string): string {
  return UUID_ANY_CASE.test(value) ? value.toLowerCase() : value;
}

const UUID_ANY_CASE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
