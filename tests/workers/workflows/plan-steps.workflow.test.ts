/** The plan-steps workflow on plain DTOs: clauses become ordered, sized steps; intensity shortens estimates. */
import { describe, expect, it } from '@jest/globals';
import { planStepsWorkflow } from '../../../src/workers/workflows/plan-steps.workflow.js';
import { runOnDto, taskContext } from './support/run-on-dto.js';

const prompt = 'Practice the scale; then record a take. Compare it with last week.';

describe('plan-steps workflow', () => {
  it('splits sentences and "then"/";" clauses into ordered steps with a focus word and an estimate', async () => {
    const { output, progress } = await runOnDto(planStepsWorkflow, taskContext({ generatedPrompt: prompt, motivationType: 'mastery', intensity: 0.5 }));
    // estimate = max(5, round(length / 4 × (1.5 − intensity))): 18 → 5 (4.5 rounds up), 14 → max(5, 4), 26 → 7.
    expect(output).toEqual({
      priority: 3,
      steps: [
        { order: 1, text: 'Practice the scale', focus: 'practice', estimateMinutes: 5 },
        { order: 2, text: 'record a take.', focus: 'record', estimateMinutes: 5 },
        { order: 3, text: 'Compare it with last week.', focus: 'compare', estimateMinutes: 7 },
      ],
      totalMinutes: 17,
    });
    expect(progress).toEqual([100]);
  });

  it('gives shorter estimates to a more intense motivation, never under 5 minutes', async () => {
    const long = 'Write the migration guide for the billing service and review every section with the team.';
    const calm = await runOnDto(planStepsWorkflow, taskContext({ generatedPrompt: long, intensity: 0 }));
    const driven = await runOnDto(planStepsWorkflow, taskContext({ generatedPrompt: long, intensity: 1 }));
    // 89 characters: round(22.25 × 1.5) = 33 and round(22.25 × 0.5) = 11.
    expect(calm.output.steps.map((s) => s.estimateMinutes)).toEqual([33]);
    expect(driven.output.steps.map((s) => s.estimateMinutes)).toEqual([11]);
    const tiny = await runOnDto(planStepsWorkflow, taskContext({ generatedPrompt: 'Go.', intensity: 1 }));
    expect(tiny.output.steps).toEqual([{ order: 1, text: 'Go.', focus: null, estimateMinutes: 5 }]);
  });

  it('reads the prompt, priority and intensity, and nothing else', () => {
    expect(Object.keys(planStepsWorkflow.input.shape).sort()).toEqual(['generatedPrompt', 'intensity', 'priority']);
  });
});
