/**
 * POST /runs/:id/cancel and POST /runs/:id/fail (body `{ "reason": "…" }`,
 * optional): stop a run in any state (docs/run-control.md). 200 with the run
 * as it is now; 409 `run_final` when the run had already ended (it is left
 * as it was: a final status never changes); 404 for an unknown run.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { WorkflowRun } from '../../entities/index.js';
import type { ApiDeps } from '../api-deps.js';
import { ApiError } from '../errors.js';
import { parseInput, UuidParams } from '../validation.js';
import { runView } from '../views.js';

const StopBody = z.strictObject({ reason: z.string().min(1).max(1_000).optional() }).optional();

export function registerRunControlRoutes(app: FastifyInstance, { controlPlane }: ApiDeps): void {
  for (const action of ['cancel', 'fail'] as const) {
    app.post(`/runs/:id/${action}`, async (request) => {
      const { id } = parseInput(UuidParams, request.params, 'params');
      const body = parseInput(StopBody, request.body ?? undefined, 'body');
      const result = await controlPlane[action]([id], { reason: body?.reason });
      if (result.unknown.length > 0) throw new ApiError(404, 'unknown_run', `unknown run id: ${id}`);
      const final = result.alreadyFinal[0];
      if (final) throw new ApiError(409, 'run_final', `run ${id} already ended as ${final.status}; a final status never changes`);
      const run = await controlPlane.em().findOneOrFail(WorkflowRun, { id });
      request.log.info({ runId: id, from: result.stopped[0]?.status, to: run.status }, `run ${action === 'cancel' ? 'cancelled' : 'failed'} by an operator`);
      return runView(run);
    });
  }
}
