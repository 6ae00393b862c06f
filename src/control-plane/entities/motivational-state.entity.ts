import { defineEntity, p } from '@mikro-orm/core';
import { MotivationalTask } from './motivational-task.entity.js';

export const MotivationalStateSchema = defineEntity({
  name: 'MotivationalState',
  tableName: 'motivational_state',
  properties: {
    id: p.integer().primary().autoincrement(),
    motivationType: p.string().length(64),
    /** 0..1 */
    intensity: p.double(),
    description: p.text().nullable(),
    createdAt: p.datetime().onCreate(() => new Date()),
    tasks: () => p.oneToMany(MotivationalTask).mappedBy('motivationalState'),
  },
});

export class MotivationalState extends MotivationalStateSchema.class {}
MotivationalStateSchema.setClass(MotivationalState);
