/** The control plane's side: the Reminder entity bound to its contract. `extract` gets `Loaded<Reminder, 'person'>`. */
import { defineSpawnable } from 'nyx-orchestrator';
import { reminderContract } from './reminder.contract.js';
import { Reminder } from './reminder.entity.js';

export const reminderSpawnable = defineSpawnable({
  name: 'reminder',
  contract: reminderContract,
  entity: Reminder,
  populate: ['person'],
  extract: (reminder) => ({
    reminderId: reminder.id,
    text: reminder.text,
    to: { name: reminder.person.$.name, email: reminder.person.$.email },
    createdAt: reminder.createdAt,
  }),
});
