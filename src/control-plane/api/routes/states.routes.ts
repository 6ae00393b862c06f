/**
 * POST /states — create a motivational state (tasks hang off one).
 * GET /states?motivationType=&limit=&cursor= — newest first, keyset paging (keyset-page.ts).
 *
 * A state whose motivation type no registered workflow handles is refused
 * (400 naming the known types): its tasks could never be spawned, and the
 * mistake would surface only then. `?allowUnknownMotivation=true` stores it
 * anyway, for a workflow that is deployed later.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TaskSpawnContext } from '../../../dto/index.js';
import { MotivationalState } from '../../entities/index.js';
import type { ApiDeps } from '../api-deps.js';
import { ApiError } from '../errors.js';
import { afterCursor, decodeCursor, keysetOrder, PageQuery, toPage } from '../keyset-page.js';
import { parseInput } from '../validation.js';
import { stateView } from '../views.js';

export const CreateStateBody = z.strictObject({
  /** The same rule the payload applies, so a state's tasks can always travel. */
  motivationType: TaskSpawnContext.shape.motivationType,
  intensity: z.number().min(0).max(1),
  description: z.string().max(2_000).optional(),
});

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');

export const CreateStateQuery = z.strictObject({
  /** Store a motivation type no registered workflow handles. @defaultValue false */
  allowUnknownMotivation: flag.default(false),
});

export const ListStatesQuery = z.strictObject({
  motivationType: TaskSpawnContext.shape.motivationType.optional(),
  ...PageQuery,
});

export function registerStateRoutes(app: FastifyInstance, { controlPlane }: ApiDeps): void {
  app.post('/states', async (request, reply) => {
    const query = parseInput(CreateStateQuery, request.query, 'query');
    const body = parseInput(CreateStateBody, request.body, 'body');
    const known = controlPlane.motivationTypes();
    if (!query.allowUnknownMotivation && !known.includes(body.motivationType)) {
      throw new ApiError(
        400,
        'unknown_workflow',
        `body.motivationType: no workflow handles "${body.motivationType}" (known: ${known.join(', ')}); add ?allowUnknownMotivation=true to store it anyway`,
      );
    }
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

  app.get('/states', async (request) => {
    const query = parseInput(ListStatesQuery, request.query, 'query');
    const after = query.cursor ? decodeCursor(query.cursor, z.number().int().positive()) : null;
    const rows = await controlPlane
      .em()
      .find(
        MotivationalState,
        { ...(query.motivationType ? { motivationType: query.motivationType } : {}), ...afterCursor('createdAt', after) },
        { orderBy: keysetOrder('createdAt'), limit: query.limit + 1 },
      );
    return toPage(rows, query.limit, (state) => [state.createdAt, state.id], stateView);
  });
}
