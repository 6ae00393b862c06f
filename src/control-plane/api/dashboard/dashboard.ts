/**
 * bull-board at /admin/queues: the workflow queue(s), the results queue and
 * the dead-letter queue of this deployment's prefix.
 *
 * - Authentication: an `onRequest` hook on the dashboard's scope (pages,
 *   static files and bull-board's own JSON API alike) — bearer token or basic
 *   auth with the token as password (see auth.ts).
 * - Read-only mode: bull-board's own `readOnlyMode` per queue (its UI hides
 *   the buttons), and every change answered 405 before it reaches bull-board.
 * - Cross-site changes refused (403): basic-auth credentials are sent by the
 *   browser on its own, so a foreign page could otherwise act as the operator.
 * - What it shows goes through the redacting formatter; what an operator
 *   changes (edit data, retry) goes back to Redis as is — and is validated
 *   again by the worker, which trusts nothing in a job's data.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { createAuthHook } from '../auth.js';
import { refuseChangesWhenReadOnly, refuseCrossSiteChanges } from '../request-guards.js';
import { createJobDataFormatter } from './redact-job-data.js';

export const DASHBOARD_PATH = '/admin/queues';

export interface DashboardOptions {
  /** Queues shown, by name, in this order. */
  queues: ReadonlyMap<string, Queue>;
  /** The queue whose job data wraps the original payload under `payload` (dead letters). */
  deadLetterQueue: string;
  token: string | undefined;
  readOnly: boolean;
  redactPaths: readonly string[];
  maxStringLength: number;
  /** Shown on each queue's card. */
  descriptions?: Readonly<Record<string, string>>;
}

export async function registerDashboard(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  const adapters = [...options.queues].map(([name, queue]) => {
    const adapter = new BullMQAdapter(queue, {
      readOnlyMode: options.readOnly,
      allowRetries: !options.readOnly,
      ...(options.descriptions?.[name] ? { description: options.descriptions[name] } : {}),
    });
    // A dead letter keeps the job's data under `payload`: the same fields are redacted there.
    const paths = name === options.deadLetterQueue ? [...options.redactPaths, ...options.redactPaths.map((p) => `payload.${p}`)] : options.redactPaths;
    const format = createJobDataFormatter({ paths, maxStringLength: options.maxStringLength });
    adapter.setFormatter('data', format);
    adapter.setFormatter('returnValue', format);
    return adapter;
  });
  createBullBoard({ queues: adapters, serverAdapter, options: { uiConfig: { boardTitle: 'nyx' } } });

  await app.register(async (scope) => {
    scope.addHook('onRequest', createAuthHook({ token: options.token, basic: true, realm: 'nyx dashboard' }));
    scope.addHook('onRequest', refuseCrossSiteChanges);
    // bull-board refuses changes itself in read-only mode; this also covers any route of it that would not.
    if (options.readOnly) scope.addHook('onRequest', refuseChangesWhenReadOnly);
    await scope.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  });
}
