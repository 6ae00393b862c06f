/**
 * The raw baseline's job data: the envelope a spawned `noop` task carries,
 * built from the same field values src/tools/demo/seed.ts gives task number `i`
 * (prompt, priority, score, metadata), so both phases move payloads of the
 * same size and shape through Redis.
 */
import { randomUUID } from 'node:crypto';
import { wrapTaskSpawnContext, type TaskSpawnEnvelope } from '../../dto/index.js';

export const BENCH_MOTIVATION_TYPE = 'noop';

export function benchPayload(i: number, createdAt: Date): { envelope: TaskSpawnEnvelope; priority: number } {
  const priority = (i % 10) + 1;
  const envelope = wrapTaskSpawnContext({
    taskId: randomUUID(),
    generatedPrompt: `Task ${i} for ${BENCH_MOTIVATION_TYPE}. (#${i})`,
    motivationType: BENCH_MOTIVATION_TYPE,
    intensity: 0.05,
    priority,
    arbitrationScore: Math.round(((i * 7919) % 1000) / 10) / 100,
    createdAt,
    metadata: { seed: i, source: 'demo' },
  });
  return { envelope, priority };
}
