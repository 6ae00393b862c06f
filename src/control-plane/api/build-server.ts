/**
 * The HTTP server of `nyx start` (fastify 5): routes, hooks and error
 * handling, wired to a control plane that the caller opened. Listening and
 * closing belong to start-service.ts.
 *
 * Scopes:
 *   open           GET /health, /ready, /metrics (probes and Prometheus)
 *   token          every /states, /tasks, /runs route; read-only mode answers 405 to changes
 *   token or basic /admin/queues (bull-board)
 */
import type { Queue } from 'bullmq';
import { fastify, LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Config } from '../../shared/config/config.js';
import type { ControlPlane } from '../control-plane.js';
import type { Logger } from '../../shared/logging/logger.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { createAuthHook } from './auth.js';
import { registerDashboard } from './dashboard/dashboard.js';
import { errorBody, toApiError } from './errors.js';
import { registerJsonBodyParser } from './json-body-parser.js';
import { refuseChangesWhenReadOnly, refuseForeignRequestsInDevelopment, refuseUnstorableParameters } from './request-guards.js';
import { registerHealthRoutes } from './routes/health.routes.js';
import { registerMetricsRoutes } from './routes/metrics.routes.js';
import { registerRunControlRoutes } from './routes/run-control.routes.js';
import { registerRunRoutes } from './routes/runs.routes.js';
import { registerScheduleRoutes } from './routes/schedules.routes.js';
import { registerStateRoutes } from './routes/states.routes.js';
import { registerTaskRoutes } from './routes/tasks.routes.js';

export interface ServerDeps {
  config: Config;
  controlPlane: ControlPlane;
  metrics: ServiceMetrics;
  /** Queues shown in the dashboard and pinged by /ready, by name. */
  queues: ReadonlyMap<string, Queue>;
  deadLetterQueue: string;
  /** Shown on the dashboard's queue cards, by queue name. */
  descriptions?: Readonly<Record<string, string>>;
  log: Logger;
}

/** Probe and scrape lines are logged at debug: every few seconds at info would drown the rest. */
const QUIET_ROUTES = new Set(['/health', '/ready', '/metrics']);
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const { config, controlPlane } = deps;
  const app = fastify({
    // pino's Logger is a FastifyBaseLogger; the cast keeps the instance's type the default one.
    // Not redundant: it makes fastify infer its base logger type, which the route modules' FastifyInstance expects.
    // eslint-disable-next-line @typescript-eslint/no-unnecessary-type-assertion
    loggerInstance: deps.log.child({ component: 'http' }) as FastifyBaseLogger,
    bodyLimit: config.httpBodyLimit,
    // One line per request from the onResponse hook below, instead of fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
  });

  // First, so no other hook or route runs for a foreign request (also covers the dashboard and the probes).
  if (config.adminToken === undefined) app.addHook('onRequest', refuseForeignRequestsInDevelopment);
  registerJsonBodyParser(app, config.httpMaxDepth);
  app.addHook('preValidation', refuseUnstorableParameters);

  app.addHook('onResponse', async (request, reply) => {
    const line = { method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    if (QUIET_ROUTES.has(request.routeOptions.url ?? '')) request.log.debug(line, 'request');
    else request.log.info(line, 'request');
  });

  app.setErrorHandler(async (error, request, reply) => {
    const api = toApiError(error);
    // A dependency being down is an expected condition: one warning line, no stack.
    if (api.statusCode === 503) request.log.warn({ code: api.code, cause: (error as Error).message }, 'request failed: dependency unavailable');
    else if (api.statusCode >= 500) request.log.error({ err: error, code: api.code }, 'request failed');
    return reply.code(api.statusCode).headers(api.headers).send(errorBody(api.code, api.message));
  });
  app.setNotFoundHandler(async (request, reply) => reply.code(404).send(errorBody('not_found', `no route ${request.method} ${request.url.split('?')[0]}`)));

  const [firstQueue] = deps.queues.values();
  if (!firstQueue) throw new TypeError('buildServer: no queues given');
  registerHealthRoutes(app, { em: () => controlPlane.em(), queue: firstQueue });
  registerMetricsRoutes(app, deps.metrics);

  await app.register(async (api) => {
    api.addHook('onRequest', createAuthHook({ token: config.adminToken, basic: false, realm: 'nyx' }));
    if (config.readOnly) api.addHook('onRequest', refuseChangesWhenReadOnly);
    registerStateRoutes(api, { controlPlane });
    registerTaskRoutes(api, { controlPlane });
    registerRunRoutes(api, { controlPlane });
    registerRunControlRoutes(api, { controlPlane });
    registerScheduleRoutes(api, { controlPlane });
  });

  await registerDashboard(app, {
    queues: deps.queues,
    deadLetterQueue: deps.deadLetterQueue,
    ...(deps.descriptions ? { descriptions: deps.descriptions } : {}),
    token: config.adminToken,
    readOnly: config.readOnly,
    redactPaths: config.dashboardRedact,
    maxStringLength: config.dashboardTruncate,
  });
  return app;
}
