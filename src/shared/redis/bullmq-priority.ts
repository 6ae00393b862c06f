/** BullMQ's largest job priority (2^21); 0 means none. */
export const MAX_BULLMQ_PRIORITY = 2_097_152;

/** A task priority as BullMQ accepts it: negative values become 0, larger ones the maximum. */
export function clampBullmqPriority(priority: number): number {
  return Math.min(Math.max(priority, 0), MAX_BULLMQ_PRIORITY);
}
