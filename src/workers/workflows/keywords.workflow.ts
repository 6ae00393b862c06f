/** Curiosity and relatedness tasks: what is the prompt about? Keywords and a one-line summary. */
import { TaskSpawnContextV1 } from '../../dto/index.js';
import { splitSentences, topKeywords, truncate } from './text.js';
import { defineWorkflow } from './workflow.js';

export const keywordsWorkflow = defineWorkflow({
  name: 'keywords',
  motivationTypes: ['curiosity', 'relatedness'],
  input: TaskSpawnContextV1.pick({ generatedPrompt: true, motivationType: true }),
  async run({ generatedPrompt, motivationType }, ctx) {
    const keywords = topKeywords(generatedPrompt, 8);
    await ctx.reportProgress(50);
    const summary = truncate(splitSentences(generatedPrompt)[0] ?? generatedPrompt, 160);
    await ctx.reportProgress(100);
    return { motivationType, keywords, summary, wordCount: generatedPrompt.split(/\s+/).filter(Boolean).length };
  },
});
