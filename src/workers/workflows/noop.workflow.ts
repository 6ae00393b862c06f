/** Does nothing: the benchmark's workflow, so it measures the orchestrator and not the work. */
import { TaskSpawnContextV1 } from '../../dto/index.js';
import { defineWorkflow } from './workflow.js';

export const noopWorkflow = defineWorkflow({
  name: 'noop',
  motivationTypes: ['noop'],
  input: TaskSpawnContextV1.pick({ taskId: true }),
  run: ({ taskId }) => ({ taskId }),
});
