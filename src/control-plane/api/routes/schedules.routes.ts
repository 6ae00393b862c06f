/**
 * Schedules: POST /schedules, GET /schedules, GET /schedules/:name,
 * POST /schedules/:name/pause, POST /schedules/:name/resume,
 * DELETE /schedules/:name (docs/run-control.md).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ApiDeps } from '../api-deps.js';
import { ApiError } from '../errors.js';
import { parseInput } from '../validation.js';

const CreateScheduleBody = z.strictObject({
  name: z.string().min(1).max(128),
  cron: z.string().min(1).max(256),
  timeZone: z.string().min(1).max(64).default('UTC'),
  taskIds: z.array(z.uuid()).min(1).max(1_000),
  paused: z.boolean().default(false),
});

const NameParams = z.strictObject({ name: z.string().min(1).max(128) });

export function registerScheduleRoutes(app: FastifyInstance, { controlPlane }: ApiDeps): void {
  const { schedules } = controlPlane;

  app.post('/schedules', async (request, reply) => {
    const body = parseInput(CreateScheduleBody, request.body, 'body');
    const created = await schedules.create(body);
    return reply.code(201).header('location', `/schedules/${created.name}`).send(created);
  });

  app.get('/schedules', async () => ({ items: await schedules.list() }));

  app.get('/schedules/:name', async (request) => {
    const { name } = parseInput(NameParams, request.params, 'params');
    const schedule = await schedules.get(name);
    if (!schedule) throw new ApiError(404, 'unknown_schedule', `unknown schedule: ${name}`);
    return schedule;
  });

  app.post('/schedules/:name/pause', async (request) => schedules.pause(parseInput(NameParams, request.params, 'params').name));
  app.post('/schedules/:name/resume', async (request) => schedules.resume(parseInput(NameParams, request.params, 'params').name));

  app.delete('/schedules/:name', async (request, reply) => {
    await schedules.delete(parseInput(NameParams, request.params, 'params').name);
    return reply.code(204).send();
  });
}
