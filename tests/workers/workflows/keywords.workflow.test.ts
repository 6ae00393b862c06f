/** The keywords workflow on plain DTOs: deterministic keywords, summary and word count; no Redis, no worker. */
import { describe, expect, it } from '@jest/globals';
import { findUnstorable } from '../../../src/dto/storable.js';
import { keywordsWorkflow } from '../../../src/workers/workflows/keywords.workflow.js';
import { truncate } from '../../../src/workers/workflows/text.js';
import { runOnDto, taskContext } from './support/run-on-dto.js';

describe('keywords workflow', () => {
  it('ranks words by frequency, ties by first appearance, without stop words', async () => {
    const { output, progress } = await runOnDto(keywordsWorkflow, taskContext());
    expect(output).toEqual({
      motivationType: 'curiosity',
      keywords: [
        { word: 'tidal', count: 2 },
        { word: 'forces', count: 2 },
        { word: 'coasts', count: 2 },
        { word: 'explore', count: 1 },
        { word: 'shape', count: 1 },
        { word: 'change', count: 1 },
      ],
      summary: 'Explore tidal forces.',
      wordCount: 9,
    });
    expect(progress).toEqual([50, 100]);
  });

  it('keeps at most 8 keywords and truncates a long first sentence to 160 characters', async () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${String.fromCharCode(97 + (i % 26))}${i}`);
    const { output } = await runOnDto(keywordsWorkflow, taskContext({ generatedPrompt: `${words.join(' ')}.`, motivationType: 'relatedness' }));
    expect(output.keywords).toHaveLength(8);
    expect(output.keywords.map((k) => k.word)).toEqual(words.slice(0, 8));
    expect(output.summary).toHaveLength(160);
    expect(output.summary.endsWith('…')).toBe(true);
    expect(output.wordCount).toBe(40);
    expect(output.motivationType).toBe('relatedness');
  });

  it('cuts a summary full of emoji and astral characters between code points, never inside one', async () => {
    // 158 ASCII characters then emoji: a cut by UTF-16 units at 159 splits the first one.
    const prompt = `${'a'.repeat(158)}${'😀𝔘🧪'.repeat(40)}`;
    const { output } = await runOnDto(keywordsWorkflow, taskContext({ generatedPrompt: prompt }));
    expect(findUnstorable(output)).toBeNull();
    expect(Array.from(output.summary)).toHaveLength(160);
    expect(output.summary.endsWith('…')).toBe(true);
    for (let max = 1; max < 30; max += 1) expect(findUnstorable(truncate('😀'.repeat(40), max))).toBeNull();
  });

  it('gives the same output for the same prompt (a retried run records the same result)', async () => {
    const first = await runOnDto(keywordsWorkflow, taskContext());
    const second = await runOnDto(keywordsWorkflow, taskContext({ taskId: '11111111-1111-4111-8111-111111111111', priority: 9 }));
    expect(second.output).toEqual(first.output);
  });

  it('reads only the prompt and the motivation type from the payload', () => {
    expect(Object.keys(keywordsWorkflow.input.shape).sort()).toEqual(['generatedPrompt', 'motivationType']);
  });
});
