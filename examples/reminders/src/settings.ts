/** The application's settings, read once. */
export const settings = {
  databaseUrl: required('DATABASE_URL'),
  redisUrl: required('REDIS_URL'),
  queuePrefix: process.env.NYX_QUEUE_PREFIX ?? 'reminders',
  /** Built workflow module, registered with both the worker and the control plane. */
  workflowModule: new URL('./reminder.workflow.js', import.meta.url).pathname,
};

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
