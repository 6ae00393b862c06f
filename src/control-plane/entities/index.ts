/** The explicit entity list (no folder discovery): what the ORM knows. */
import { MotivationalState } from './motivational-state.entity.js';
import { MotivationalTask } from './motivational-task.entity.js';
import { OutboxMessage } from './outbox-message.entity.js';
import { WorkflowRun } from './workflow-run.entity.js';

export { MotivationalState, MotivationalTask, OutboxMessage, WorkflowRun };
export * from './workflow-run.entity.js';
export const entities = [MotivationalState, MotivationalTask, WorkflowRun, OutboxMessage];
