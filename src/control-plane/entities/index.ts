/** The explicit entity list (no folder discovery): what the ORM knows. */
import { MotivationalState } from './motivational-state.entity.js';
import { MotivationalTask } from './motivational-task.entity.js';
import { WorkflowRun } from './workflow-run.entity.js';

export { MotivationalState, MotivationalTask, WorkflowRun };
export * from './workflow-run.entity.js';
export const entities = [MotivationalState, MotivationalTask, WorkflowRun];
