/**
 * Seeds motivational states and tasks with deterministic prompts, in
 * multi-row inserts (the demo's and the benchmark's input).
 */
import { randomUUID } from 'node:crypto';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { MotivationalState, MotivationalTask } from '../../control-plane/entities/index.js';

const PROMPTS: Record<string, string[]> = {
  curiosity: [
    'Explore how tidal forces shape coastal ecosystems. Compare tidal ranges across three coastlines and note what surprised you.',
    'Investigate why sourdough starters behave differently in winter. Track temperature, hydration and rise time.',
  ],
  relatedness: ['Write a note to a colleague who helped with the migration. Mention the review, the late-night rollback and the coffee.'],
  mastery: [
    'Practice the scale in three keys; then record a take at 80 bpm; then compare it with last week and list two fixes.',
    'Refactor the parser module. Extract the tokenizer; then add property tests; then measure the speed-up.',
  ],
  autonomy: ['Plan the weekend project: choose the hardware; order parts; sketch the enclosure; then write the firmware outline.'],
};

export const DEMO_MOTIVATION_TYPES = Object.keys(PROMPTS);

export interface SeedOptions {
  tasks: number;
  /** Motivation types to cycle through. @defaultValue the four demo types */
  motivationTypes?: readonly string[];
}

/** Returns the created task ids, in creation order. */
export async function seedTasks(em: SqlEntityManager, options: SeedOptions): Promise<string[]> {
  const types = options.motivationTypes ?? DEMO_MOTIVATION_TYPES;
  const now = new Date();
  // One INSERT per state (a handful): `insertMany` does not return every generated key here.
  const stateIds: number[] = [];
  for (const [index, motivationType] of types.entries()) {
    const id = await em.insert(MotivationalState, {
      motivationType,
      intensity: Math.round(((index % 10) / 10 + 0.05) * 100) / 100,
      description: `${motivationType} drive`,
      createdAt: now,
    });
    stateIds.push(id);
  }
  const ids: string[] = [];
  for (let start = 0; start < options.tasks; start += 1_000) {
    const rows = [];
    for (let i = start; i < Math.min(options.tasks, start + 1_000); i++) {
      const typeIndex = i % types.length;
      const type = types[typeIndex]!;
      const prompts = PROMPTS[type] ?? [`Task ${i} for ${type}.`];
      const id = randomUUID();
      ids.push(id);
      rows.push({
        id,
        generatedPrompt: `${prompts[i % prompts.length]} (#${i})`,
        taskPriority: (i % 10) + 1,
        arbitrationScore: Math.round(((i * 7919) % 1000) / 10) / 100,
        metadata: { seed: i, source: 'demo' },
        motivationalState: stateIds[typeIndex] as number,
        createdAt: now,
      });
    }
    await em.insertMany(MotivationalTask, rows);
  }
  return ids;
}
