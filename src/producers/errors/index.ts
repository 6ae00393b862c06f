export * from './invalid-spawn-metadata-error.js';
export * from './invalid-task-context-error.js';
export * from './not-plain-json-error.js';
export * from './payload-too-large-error.js';
export * from './relation-not-loaded-error.js';
export * from './unknown-task-error.js';
export * from './unknown-workflow-error.js';
export * from './run-in-progress-error.js';
