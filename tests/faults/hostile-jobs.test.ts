/**
 * Hostile and malformed jobs, written straight into Redis with a raw client
 * (not through our producer): each is refused into the dead-letter queue with
 * a reason that says what is wrong, its run (when it has one) is dead after
 * one attempt, the worker process stays up, and a valid job sent afterwards
 * still runs. And the producer refuses an oversized payload at spawn time,
 * writing nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { ChildProcess } from 'node:child_process';
import { WORKFLOW_QUEUE, type TaskSpawnEnvelope } from '../../src/dto/index.js';
import { WorkflowRun } from '../../src/control-plane/entities/index.js';
import { countOutbox } from '../support/outbox-rows.js';
import { PayloadTooLargeError } from '../../src/producers/errors/index.js';
import { SHARED_REDIS_URL } from '../support/test-redis.js';
import { waitFor } from '../support/wait-for.js';
import { FaultHarness } from './support/fault-harness.js';
import { dispatchByHand, injectRawJob, type RawJobFields } from './support/raw-jobs.js';

interface HostileCase {
  name: string;
  /** Raw job fields, built from a valid envelope of a real run. */
  fields: (valid: TaskSpawnEnvelope) => RawJobFields;
  reason: string;
  /** A job id with no run behind it (written by hand); otherwise the run's id. */
  handWrittenId?: string;
  /** What the dead letter keeps as the payload, when the case checks it. */
  payload?: unknown;
}

const json = (value: unknown) => JSON.stringify(value);
const withData = (valid: TaskSpawnEnvelope, data: Record<string, unknown>) => json({ ...valid, data: { ...valid.data, ...data } });
const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

const CASES: HostileCase[] = [
  {
    name: 'data that is not JSON',
    fields: () => ({ data: '{"schema": "TaskSpawnContext", v: 2' }),
    reason: 'job data is not JSON',
    payload: '{"schema": "TaskSpawnContext", v: 2',
  },
  { name: 'no data field at all', fields: () => ({}), reason: 'not a payload envelope' },
  { name: 'JSON null', fields: () => ({ data: 'null' }), reason: 'not a payload envelope' },
  { name: 'a bare string', fields: () => ({ data: '"spawn me"' }), reason: 'not a payload envelope' },
  { name: 'the context without its envelope', fields: (v) => ({ data: json(v.data) }), reason: 'not a payload envelope' },
  {
    name: 'a wrong envelope name',
    fields: (v) => ({ data: json({ ...v, schema: 'Invoice' }) }),
    reason: 'unknown payload schema "Invoice" (expected "TaskSpawnContext")',
  },
  { name: 'the version as a string', fields: (v) => ({ data: json({ ...v, v: '2' }) }), reason: 'not a payload envelope' },
  { name: 'a fractional version', fields: (v) => ({ data: json({ ...v, v: 2.5 }) }), reason: 'not a payload envelope' },
  { name: 'an extra envelope key', fields: (v) => ({ data: json({ ...v, replyTo: 'evil' }) }), reason: 'replyTo' },
  { name: 'a wrong field type', fields: (v) => ({ data: withData(v, { priority: 'high' }) }), reason: 'invalid TaskSpawnContext v2' },
  { name: 'a number sent as a string', fields: (v) => ({ data: withData(v, { arbitrationScore: '0.5' }) }), reason: 'arbitrationScore' },
  { name: 'an extra data key', fields: (v) => ({ data: withData(v, { password: 'hunter2' }) }), reason: 'password' },
  { name: 'a missing field', fields: (v) => ({ data: withData(v, { taskId: undefined }) }), reason: 'taskId' },
  { name: 'a 5 MB prompt', fields: (v) => ({ data: withData(v, { generatedPrompt: 'x'.repeat(5_000_000) }) }), reason: 'generatedPrompt' },
  {
    name: 'a __proto__ key',
    fields: (v) => ({ data: withData(v, { metadata: { PROTO: { polluted: true } } }).replace('"PROTO"', '"__proto__"') }),
    reason: 'forbidden key "__proto__" at (root).data.metadata (prototype pollution)',
  },
  {
    name: 'a constructor.prototype path',
    fields: (v) => ({ data: withData(v, { metadata: { constructor: { prototype: { polluted: true } } } }) }),
    reason: 'forbidden key "constructor"',
  },
  {
    name: '10,000 nested arrays',
    fields: (v) => ({ data: withData(v, { metadata: { deep: 'DEEP' } }).replace('"DEEP"', nested(10_000)) }),
    reason: 'payload nested deeper than 32 levels',
  },
  {
    name: 'a motivation type no workflow runs',
    fields: (v) => ({ data: withData(v, { motivationType: 'sabotage' }) }),
    reason: 'no workflow for motivation type "sabotage"',
  },
  { name: 'a hand-written job id', handWrittenId: 'hand-written:1', fields: () => ({ data: '{}' }), reason: 'not a payload envelope' },
  { name: 'an integer job id', handWrittenId: '424242', fields: (v) => ({ data: json({ ...v, v: 7 }) }), reason: 'unsupported payload version 7' },
];

describe('hostile and malformed jobs', () => {
  let h: FaultHarness;
  let worker: ChildProcess;

  beforeAll(async () => {
    h = await FaultHarness.open('hostile', { relay: false, config: { NYX_MAX_PAYLOAD_BYTES: '4096' } });
    worker = await h.startWorker();
  });

  afterAll(async () => {
    try {
      await h.expectNothingLeftBehind();
    } finally {
      await h?.close();
    }
  });

  it(`refuses ${CASES.length} malformed jobs into the dead-letter queue, and keeps working`, async () => {
    // Every case but the hand-written ones stands in for the job of a real run.
    const withRun = CASES.filter((c) => !c.handWrittenId);
    const runIds = await h.spawn({ motivationType: 'test-sleep', count: withRun.length, metadata: { sleepMs: 1 } });
    const rows = await dispatchByHand(h.cp.em());
    const validOf = (runId: string) => rows.find((r) => r.runId === runId)!.payload as TaskSpawnEnvelope;
    const jobIdOf = new Map(CASES.map((c) => [c, c.handWrittenId ?? runIds[withRun.indexOf(c)]!]));
    for (const hostile of CASES) {
      await injectRawJob(SHARED_REDIS_URL, h.prefix, WORKFLOW_QUEUE, jobIdOf.get(hostile)!, hostile.fields(validOf(runIds[0]!)));
    }

    for (const hostile of CASES) {
      const jobId = jobIdOf.get(hostile)!;
      const letterId = hostile.handWrittenId ? `raw-${hostile.handWrittenId.replace(/:/g, '_')}` : jobId;
      const letter = await waitFor(`the dead letter of "${hostile.name}"`, () => h.deadLetter(letterId), 30_000);
      expect({ case: hostile.name, reason: letter.reason, error: letter.error }).toEqual({
        case: hostile.name,
        reason: 'invalid payload',
        error: expect.stringContaining(hostile.reason),
      });
      expect(letter.attemptsMade).toBe(1);
      if (hostile.payload !== undefined) expect(letter.payload).toEqual(hostile.payload);
      // The letter is written before BullMQ moves the job to failed: wait for that move.
      await waitFor(`the job of "${hostile.name}" to be failed`, async () => (await (await h.workflows.getJob(jobId))!.getState()) === 'failed', 30_000);
      if (hostile.handWrittenId) continue;
      // The run behind the job is dead after one attempt, with the same reason.
      await waitFor(`the run of "${hostile.name}" to be dead`, async () => (await h.run(jobId))?.status === 'dead');
      const run = (await h.run(jobId))!;
      expect(run.attempts).toBe(1);
      expect(run.error).toContain(hostile.reason);
    }

    // The same worker process is alive and runs a valid job sent afterwards.
    expect(worker.exitCode).toBeNull();
    expect(worker.signalCode).toBeNull();
    const [validRunId] = await h.spawn({ motivationType: 'test-sleep', metadata: { sleepMs: 1 } });
    await h.cp.relayNow();
    await waitFor('the valid run to complete', async () => (await h.run(validRunId!))?.status === 'completed');
    expect((await h.run(validRunId!))!.result).toMatchObject({ runId: validRunId, pid: worker.pid });
    expect(worker.exitCode).toBeNull();
  });

  it('refuses a payload over NYX_MAX_PAYLOAD_BYTES at spawn time and writes nothing', async () => {
    const small = await h.seed({ motivationType: 'test-sleep' });
    const big = await h.seed({ motivationType: 'test-sleep', prompt: 'A long prompt. '.repeat(400) });
    const before = { runs: await h.orm.em.fork().count(WorkflowRun), outbox: await countOutbox(h.orm.em.fork()) };

    const refused = h.cp.spawn([...small, ...big]);
    await expect(refused).rejects.toThrow(PayloadTooLargeError);
    await expect(refused).rejects.toThrow(new RegExp(`task ${big[0]}: payload is \\d+ bytes, over the limit of 4096 \\(NYX_MAX_PAYLOAD_BYTES\\)`));

    expect({ runs: await h.orm.em.fork().count(WorkflowRun), outbox: await countOutbox(h.orm.em.fork()) }).toEqual(before);
  });
});
