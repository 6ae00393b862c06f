/**
 * Queue names both sides agree on. The prefix (config) namespaces them per
 * deployment or per test.
 */
export const WORKFLOW_QUEUE = 'workflows';
export const RESULTS_QUEUE = 'results';
export const DEAD_LETTER_QUEUE = 'dead-letters';
export const WORKFLOW_JOB_NAME = 'spawn';
