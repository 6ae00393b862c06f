/**
 * The application's contract: the DTO a reminder's workflow receives. Shared
 * by the control plane (main.ts) and the worker (worker.ts): zod and
 * `nyx-orchestrator/workflow` only, no ORM.
 */
import { z } from 'zod';
import { defineContract, IsoDate } from 'nyx-orchestrator/workflow';

export const ReminderDue = z.strictObject({
  reminderId: z.uuid(),
  text: z.string().min(1),
  to: z.strictObject({ name: z.string(), email: z.string() }),
  createdAt: IsoDate,
});
export type ReminderDue = z.infer<typeof ReminderDue>;

export const reminderContract = defineContract({
  name: 'ReminderDue',
  version: 1,
  schema: ReminderDue,
  route: () => 'deliver',
  subjectOf: (data) => data.reminderId,
});
