/** The application's own entity and table: nyx never reads it. */
import { defineEntity, p } from '@mikro-orm/core';

export const ReminderSchema = defineEntity({
  name: 'Reminder',
  tableName: 'reminder',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    text: p.text(),
    /** The nyx run that delivers it, set in the same transaction as the spawn. */
    runId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class Reminder extends ReminderSchema.class {}
ReminderSchema.setClass(Reminder);
