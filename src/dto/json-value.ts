import { z } from 'zod';

/** Any JSON value: what may travel in `metadata` and in a workflow's output. */
export const JsonValue = z.json();
export type JsonValue = z.infer<typeof JsonValue>;

/** An ISO-8601 instant on the wire, a `Date` in code. `z.encode` turns it back into a string. */
export const IsoDate = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (iso) => new Date(iso),
  encode: (date) => date.toISOString(),
});
