/** Mastery and autonomy tasks: turn the prompt into ordered, sized steps. */
import { z } from 'zod';
import { TaskSpawnContextV1 } from '../../dto/index.js';
import { splitSentences, topKeywords } from './text.js';
import { defineWorkflow } from './workflow.js';

const input = TaskSpawnContextV1.pick({ generatedPrompt: true, priority: true }).extend({
  intensity: z.number().min(0).max(1),
});

export const planStepsWorkflow = defineWorkflow({
  name: 'plan-steps',
  motivationTypes: ['mastery', 'autonomy'],
  input,
  async run({ generatedPrompt, priority, intensity }, ctx) {
    // Clauses joined by "then", "and then" or ";" are separate steps too.
    const clauses = splitSentences(generatedPrompt)
      .flatMap((s) => s.split(/;|\bthen\b/i))
      .map((s) => s.trim())
      .filter(Boolean);
    const steps = clauses.map((text, index) => ({
      order: index + 1,
      text,
      focus: topKeywords(text, 1)[0]?.word ?? null,
      // Longer clauses take longer; a more intense motivation shortens the estimate.
      estimateMinutes: Math.max(5, Math.round((text.length / 4) * (1.5 - intensity))),
    }));
    await ctx.reportProgress(100);
    return {
      priority,
      steps,
      totalMinutes: steps.reduce((sum, step) => sum + step.estimateMinutes, 0),
    };
  },
});
