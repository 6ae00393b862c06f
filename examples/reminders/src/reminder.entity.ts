/** The application's own entities and tables: nyx reads them only through the spawnable (reminder.spawnable.ts). */
import { defineEntity, p } from '@mikro-orm/core';

export const PersonSchema = defineEntity({
  name: 'Person',
  tableName: 'person',
  properties: {
    id: p.integer().primary().autoincrement(),
    name: p.text(),
    email: p.text(),
  },
});

export class Person extends PersonSchema.class {}
PersonSchema.setClass(Person);

export const ReminderSchema = defineEntity({
  name: 'Reminder',
  tableName: 'reminder',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    text: p.text(),
    /** A Ref relation (`.ref()`): reading it unloaded is a compile error in the spawnable's extract. */
    person: () => p.manyToOne(Person).ref(),
    /** The nyx run that delivers it, set in the same transaction as the spawn. */
    runId: p.uuid().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class Reminder extends ReminderSchema.class {}
ReminderSchema.setClass(Reminder);
