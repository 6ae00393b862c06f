/**
 * What a workflow author imports (built-in workflows, and modules loaded by
 * a worker through NYX_WORKFLOW_MODULES): the definition API and the one
 * error with a special meaning. Everything else a workflow gets comes in its
 * input and its context (`ctx.runId` is the idempotency key: delivery is at
 * least once — see docs/guarantees.md, "Delivery, and the workflow author's
 * contract").
 */
export * from './workflow.js';
export { WorkflowUnrecoverableError } from './workflow-unrecoverable-error.js';
