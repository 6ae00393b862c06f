/** The payload envelope: dates survive the trip, old versions are upcast, the rest is refused with a reason. */
import { describe, expect, it } from '@jest/globals';
import {
  DEFAULT_INTENSITY_FOR_V1,
  openTaskSpawnEnvelope,
  openWorkflowOutcome,
  wrapTaskSpawnContext,
  wrapWorkflowOutcome,
  type TaskSpawnContext,
} from '../../src/dto/index.js';

const context: TaskSpawnContext = {
  taskId: '3f1c2a9e-7b4d-4c1e-9a2b-5d6e7f8a9b0c',
  generatedPrompt: 'Learn the cello.',
  motivationType: 'mastery',
  intensity: 0.8,
  priority: 2,
  arbitrationScore: 0.42,
  createdAt: new Date('2026-11-01T10:00:00.000Z'),
  metadata: { tags: ['music'], nested: { ok: true } },
};

describe('TaskSpawnContext envelope', () => {
  it('travels as JSON and comes back equal, with Date restored', () => {
    const wire = JSON.parse(JSON.stringify(wrapTaskSpawnContext(context)));
    expect(wire).toMatchObject({ schema: 'TaskSpawnContext', v: 2, data: { createdAt: '2026-11-01T10:00:00.000Z' } });
    const opened = openTaskSpawnEnvelope(wire);
    expect(opened).toEqual({ ok: true, version: 2, context, wire: wire.data });
  });

  it('upcasts a v1 payload, which predates intensity', () => {
    const { intensity, ...v1 } = context;
    expect(intensity).toBe(0.8);
    const opened = openTaskSpawnEnvelope({ schema: 'TaskSpawnContext', v: 1, data: { ...v1, createdAt: v1.createdAt.toISOString() } });
    const upcast = { ...context, intensity: DEFAULT_INTENSITY_FOR_V1 };
    // The wire form a v2 workflow input schema reads: upcast, dates as ISO strings.
    expect(opened).toEqual({ ok: true, version: 1, context: upcast, wire: { ...upcast, createdAt: '2026-11-01T10:00:00.000Z' } });
  });

  it.each([
    ['an unknown version', { schema: 'TaskSpawnContext', v: 99, data: {} }, 'unsupported payload version 99 (supported: 1, 2)'],
    ['another schema', { schema: 'Invoice', v: 1, data: {} }, 'unknown payload schema "Invoice"'],
    ['no envelope', { taskId: 'x' }, 'not a payload envelope'],
    ['a string', 'hello', 'not a payload envelope'],
    ['a bad field', { schema: 'TaskSpawnContext', v: 2, data: { ...JSON.parse(JSON.stringify(context)), priority: 'high' } }, 'invalid TaskSpawnContext v2'],
    ['an extra field', { schema: 'TaskSpawnContext', v: 2, data: { ...JSON.parse(JSON.stringify(context)), password: 'x' } }, 'password'],
  ])('refuses %s with a reason', (_, raw, reason) => {
    const opened = openTaskSpawnEnvelope(raw);
    expect(opened.ok).toBe(false);
    expect(!opened.ok && opened.reason).toContain(reason);
  });
});

describe('WorkflowOutcome envelope', () => {
  it('round-trips a result with its dates', () => {
    const outcome = {
      kind: 'completed' as const,
      runId: '0b9c5c1e-8d8e-4f57-9a63-5a9d2b9f0e11',
      taskId: context.taskId,
      workflow: 'keywords',
      attempt: 1,
      startedAt: new Date('2026-11-01T10:00:01.000Z'),
      finishedAt: new Date('2026-11-01T10:00:02.000Z'),
      output: { keywords: ['cello'] },
    };
    expect(openWorkflowOutcome(JSON.parse(JSON.stringify(wrapWorkflowOutcome(outcome))))).toEqual(outcome);
  });
});
