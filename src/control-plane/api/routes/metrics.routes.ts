/**
 * GET /metrics — Prometheus text format (see src/control-plane/metrics/service-metrics.ts).
 * Open like the probes: it holds counts and workflow names, no payloads.
 * A scrape that cannot read Redis or PostgreSQL answers 503 rather than
 * half the metrics, so Prometheus marks the target down instead of
 * recording zeros.
 */
import type { FastifyInstance } from 'fastify';
import type { ServiceMetrics } from '../../metrics/service-metrics.js';
import { ApiError, toApiError } from '../errors.js';

export function registerMetricsRoutes(app: FastifyInstance, metrics: ServiceMetrics): void {
  app.get('/metrics', async (_request, reply) => {
    let text: string;
    try {
      text = await metrics.scrape();
    } catch (error) {
      const mapped = toApiError(error);
      throw mapped.statusCode === 503 ? mapped : new ApiError(503, 'metrics_unavailable', `metrics could not be read: ${(error as Error).message}`);
    }
    return reply.header('content-type', metrics.contentType).send(text);
  });
}
