export * from './json-value.js';
export * from './json-safe.js';
export * from './task-spawn-context.js';
export * from './envelope.js';
export * from './workflow-outcome.js';
export * from './queue-names.js';
export * from './storable.js';
export * from './workflow-policy.js';
