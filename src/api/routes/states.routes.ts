/** POST /states — create a motivational state (tasks hang off one). */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TaskSpawnContext } from '../../dto/index.js';
import { MotivationalState } from '../../entities/index.js';
import type { ApiDeps } from '../api-deps.js';
import { parseInput } from '../validation.js';
import { stateView } from '../views.js';

export const CreateStateBody = z.strictObject({
  /** The same rule the payload applies, so a state's tasks can always travel. */
  motivationType: TaskSpawnContext.shape.motivationType,
  intensity: z.number().min(0).max(1),
  description: z.string().max(2_000).optional(),
});

export function registerStateRoutes(app: FastifyInstance, { controlPlane }: ApiDeps): void {
  app.post('/states', async (request, reply) => {
    const body = parseInput(CreateStateBody, request.body, 'body');
    const em = controlPlane.em();
    const state = em.create(MotivationalState, {
      motivationType: body.motivationType,
      intensity: body.intensity,
      description: body.description ?? null,
      createdAt: new Date(),
    });
    await em.flush();
    request.log.info({ stateId: state.id, motivationType: state.motivationType }, 'state created');
    return reply.code(201).header('location', `/states/${state.id}`).send(stateView(state));
  });
}
