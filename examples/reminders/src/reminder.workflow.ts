/**
 * The application's workflow module: loaded by its worker and by its control
 * plane (which refuses to spawn a task no workflow handles). Worker-safe: it
 * imports only `nyx-orchestrator/workflow`, never the ORM.
 */
import { defineWorkflow, TaskSpawnContext } from 'nyx-orchestrator/workflow';

export const reminderWorkflow = defineWorkflow({
  name: 'reminder',
  motivationTypes: ['reminder'],
  input: TaskSpawnContext.pick({ generatedPrompt: true, metadata: true }),
  run({ generatedPrompt, metadata }, ctx) {
    ctx.log('delivering reminder');
    return { delivered: generatedPrompt.toUpperCase(), reminderId: String(metadata?.reminderId ?? ''), attempt: ctx.attempt };
  },
});
