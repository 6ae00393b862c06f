/**
 * Prompts full of emoji and astral characters through the built-in
 * workflows and real worker processes: every run completes, and what is
 * recorded is the same valid Unicode (no text cut inside a character, which
 * PostgreSQL would refuse). Spawned together with plain prompts, which
 * complete too.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { findUnstorable } from '../../src/dto/storable.js';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
import { FaultHarness } from '../faults/support/fault-harness.js';
import { waitFor } from '../support/wait-for.js';

const ASTRAL = '😀🧪🚀👩‍👩‍👧‍👦𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🇫🇷 ';

describe('prompts full of emoji and astral characters', () => {
  let harness: FaultHarness;

  beforeAll(async () => {
    harness = await FaultHarness.open('astral');
    await harness.startWorker();
  });

  afterAll(async () => {
    await harness?.close();
  });

  it('complete through every built-in workflow, with valid Unicode recorded', async () => {
    const runIds: string[] = [];
    for (const motivationType of ['curiosity', 'relatedness', 'mastery', 'autonomy']) {
      for (const offset of [0, 1, 158, 159]) {
        // The offset moves the first emoji across a cut at 159 UTF-16 units.
        const prompt = `${'a'.repeat(offset)}${ASTRAL.repeat(30)}. Then ${ASTRAL.repeat(10)}!`;
        runIds.push(...(await harness.spawn({ motivationType, count: 3, prompt })));
      }
      runIds.push(...(await harness.spawn({ motivationType, count: 3, prompt: 'A plain prompt about tides and coasts.' })));
    }
    const done = async () =>
      (await harness.orm.em.fork().count(WorkflowRun, { id: { $in: runIds }, status: { $in: ['completed', 'dead'] } })) === runIds.length;
    await waitFor('every run to end', done, 60_000, 100);
    const runs = await harness.orm.em.fork().find(WorkflowRun, { id: { $in: runIds } });
    expect(runs.filter((run) => run.status !== 'completed').map((run) => `${run.status}: ${run.error}`)).toEqual([]);
    for (const run of runs) expect(findUnstorable(run.result)).toBeNull();
    expect(JSON.stringify(runs.map((run) => run.result))).toContain('😀');
    await harness.expectNothingLeftBehind();
  }, 90_000);
});
