/**
 * A contract bumped to v2 while v1 jobs wait in Redis: the v1 jobs, written
 * straight into BullMQ while no worker runs, complete on a v2 worker with
 * the upcast data; a version the worker has no upcaster for goes to the
 * dead letters, unrecoverable (no attempt spent on retries).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { DEAD_LETTER_QUEUE, WORKFLOW_JOB_NAME, WORKFLOW_QUEUE } from '../../src/dto/queue-names.js';
import { loadWorkerConfig } from '../../src/shared/config/config.js';
import { startWorker, type RunningWorker } from '../../src/workers/start-worker.js';
import { firmReminderWorkflow, gentleReminderWorkflow, orderReportWorkflow } from '../end-to-end/support/user-contracts.workflows.js';
import { deletePrefix, SHARED_REDIS_URL, uniquePrefix } from '../support/test-redis.js';
import { silentLog } from '../support/test-config.js';
import { waitFor } from '../support/wait-for.js';

describe('contract versions across a deploy', () => {
  const prefix = uniquePrefix('contract-versions');
  const connection = { url: SHARED_REDIS_URL };
  const queue = new Queue(WORKFLOW_QUEUE, { connection, prefix });
  const deadLetters = new Queue(DEAD_LETTER_QUEUE, { connection, prefix });
  let worker: RunningWorker | undefined;

  afterAll(async () => {
    await worker?.close(1_000);
    await queue.close();
    await deadLetters.close();
    await deletePrefix(SHARED_REDIS_URL, prefix);
  });

  it('runs v1 jobs on v2 workers through the upcaster and dead-letters an unknown version', async () => {
    const v1 = (invoiceId: string) => ({
      schema: 'InvoiceReminder',
      v: 1,
      data: { invoiceId, amountCents: 500, customerName: 'Ada', customerEmail: 'ada@example.com', dueAt: '2026-12-24T00:00:00.000Z', tone: 'gentle' },
    });
    const waiting = [randomUUID(), randomUUID(), randomUUID()];
    const unknown = randomUUID();
    // Written while no worker runs: as the previous deploy's relay left them.
    await queue.addBulk(waiting.map((id, i) => ({ name: WORKFLOW_JOB_NAME, data: v1(String(i + 1)), opts: { jobId: id, attempts: 3 } })));
    await queue.add(WORKFLOW_JOB_NAME, { ...v1('99'), v: 99 }, { jobId: unknown, attempts: 3 });

    const events = new QueueEvents(WORKFLOW_QUEUE, { connection, prefix });
    try {
      worker = await startWorker({
        config: loadWorkerConfig({ REDIS_URL: SHARED_REDIS_URL, NYX_QUEUE_PREFIX: prefix, LOG_LEVEL: 'silent' }),
        workflows: [gentleReminderWorkflow, firmReminderWorkflow, orderReportWorkflow],
        log: silentLog,
      });
      const done = await waitFor('the v1 jobs completed', async () => {
        const jobs = await Promise.all(waiting.map((id) => queue.getJob(id)));
        return jobs.every((job) => job?.finishedOn && job.returnvalue) ? jobs : null;
      });
      for (const job of done) {
        expect(job!.returnvalue).toMatchObject({ kind: 'completed', workflow: 'invoice-gentle', output: { to: 'Ada', text: '500 EUR due 2026-12-24' } });
        expect(job!.returnvalue.subjectId).toBe(job!.data.data.invoiceId);
      }
      const letter = await waitFor('the v99 job in the dead letters', () => deadLetters.getJob(unknown));
      expect(letter.data).toMatchObject({
        runId: unknown,
        reason: 'invalid payload',
        error: 'InvalidPayloadError: unsupported payload version 99 (supported: 1, 2)',
        attemptsMade: 1,
      });
      expect(await queue.getJobState(unknown)).toBe('failed');
    } finally {
      await events.close();
    }
  });
});
