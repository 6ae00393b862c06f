import { defineEntity, p } from '@mikro-orm/core';
import { MotivationalState } from './motivational-state.entity.js';

export const MotivationalTaskSchema = defineEntity({
  name: 'MotivationalTask',
  tableName: 'motivational_task',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => crypto.randomUUID()),
    generatedPrompt: p.text(),
    taskPriority: p.integer(),
    arbitrationScore: p.double(),
    /** Plain JSON handed to the workflow; the producer checks it is JSON. */
    metadata: p.json<Record<string, unknown>>().nullable(),
    motivationalState: () => p.manyToOne(MotivationalState).ref().inversedBy('tasks'),
    createdAt: p.datetime().onCreate(() => new Date()),
  },
});

export class MotivationalTask extends MotivationalTaskSchema.class {}
MotivationalTaskSchema.setClass(MotivationalTask);
