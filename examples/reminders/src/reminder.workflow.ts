/**
 * The application's workflow module: loaded by its worker and by its control
 * plane (which refuses to spawn what no workflow handles). Worker-safe: it
 * imports only `nyx-orchestrator/workflow` and the shared contract.
 */
import { defineWorkflow } from 'nyx-orchestrator/workflow';
import { ReminderDue, reminderContract } from './reminder.contract.js';

export const reminderWorkflow = defineWorkflow({
  name: 'reminder',
  contract: reminderContract,
  routes: ['deliver'],
  input: ReminderDue.pick({ reminderId: true, text: true, to: true }),
  run({ reminderId, text, to }, ctx) {
    ctx.log('delivering reminder');
    return { delivered: text.toUpperCase(), to: to.email, reminderId, attempt: ctx.attempt };
  },
});
