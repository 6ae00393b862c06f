/**
 * GET /health — liveness: the process answers HTTP (nothing else is checked,
 * so a database outage does not get the service restarted in a loop).
 * GET /ready — readiness: PostgreSQL, migrations and Redis (503 naming what failed).
 * Both are open (no token): probes and load balancers call them.
 */
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { checkReadiness } from '../readiness.js';

export interface HealthDeps {
  /** A fresh EntityManager fork per call. */
  em: () => SqlEntityManager;
  /** Any queue of the deployment: its connection is pinged. */
  queue: Queue;
}

export function registerHealthRoutes(app: FastifyInstance, deps: HealthDeps): void {
  const startedAt = Date.now();
  app.get('/health', async () => ({ status: 'ok', uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) }));

  app.get('/ready', async (request, reply) => {
    const readiness = await checkReadiness(deps.em, deps.queue);
    if (!readiness.ready) request.log.warn({ checks: readiness.checks }, 'not ready');
    return reply.code(readiness.ready ? 200 : 503).send({ status: readiness.ready ? 'ready' : 'not ready', checks: readiness.checks });
  });
}
