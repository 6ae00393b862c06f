export * from './dead-letter-not-found-error.js';
export * from './redrive-refused-error.js';
