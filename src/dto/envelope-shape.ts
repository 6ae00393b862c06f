/** The shape every payload travels in: `{ schema, v, data }` (see contract.ts). */
import { z } from 'zod';

export const Envelope = z.strictObject({
  schema: z.string(),
  v: z.number().int().positive(),
  data: z.unknown(),
});
export type Envelope = z.infer<typeof Envelope>;
