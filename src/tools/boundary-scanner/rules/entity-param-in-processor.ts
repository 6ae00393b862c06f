/**
 * Rule `entity-param-in-processor`: a function that runs inside a BullMQ
 * processor (the processor itself, or anything it calls within the project)
 * declares a parameter whose type is, or contains, a MikroORM entity.
 *
 * Job data arrives as JSON; a worker has no EntityManager and no identity map,
 * so an "entity" there is at best a detached snapshot whose relations are not
 * loaded and whose changes are never flushed. Such functions should take a DTO.
 *
 * When the processor's code uses an EntityManager itself (an in-process
 * NestJS processor that forks and loads), the entity may be one it loaded in
 * its own unit of work: then the finding is policy (nyx's workers take DTOs),
 * not a defect. Which processor a function belongs to is the first one found.
 */
import ts from 'typescript';
import { entityInType } from '../entity-types.js';
import type { Finding } from '../finding.js';
import { findingAt, locationOf } from '../scanned-project.js';
import { type ScanContext, snippet } from '../scan-context.js';
import type { CallableNode } from '../symbols.js';
import type { ProcessorRoot } from '../worker-discovery.js';

/** Text that shows a function touches an EntityManager or repository. */
const USES_ENTITY_MANAGER = /\b(em|orm|\w*[eE]ntityManager|\w*[rR]epository)\s*\.|\.fork\(|\bEntity(Manager|Repository)\b|getRepository\(/;

export function checkEntityParamInProcessor(context: ScanContext): Finding[] {
  const findings: Finding[] = [];
  const ormBacked = new Set<ProcessorRoot>();
  for (const { fn, root } of context.reached.values()) {
    if (!ormBacked.has(root) && fn.body && USES_ENTITY_MANAGER.test(fn.body.getText())) ormBacked.add(root);
  }
  for (const { fn, root } of context.reached.values()) {
    for (const parameter of fn.parameters) {
      const entity = entityInType(context, parameter.type);
      if (!entity || !parameter.type) continue;
      const processor = locationOf(context.project, root.registeredAt);
      findings.push(
        findingAt(
          context.project,
          parameter,
          'entity-param-in-processor',
          `${functionLabel(fn)} runs inside a BullMQ processor (${processor}) but takes \`${snippet(parameter)}\` (entity ${entity.name}); ` +
            (ormBacked.has(root)
              ? 'nyx workers get job data as JSON and no EntityManager; this processor has one, so the entity may be its own — still, take a DTO (ids + plain fields)'
              : 'workers get job data as JSON and have no EntityManager — take a DTO (ids + plain fields) instead'),
          ormBacked.has(root) ? 'policy' : 'defect',
        ),
      );
    }
  }
  return findings;
}

function functionLabel(fn: CallableNode): string {
  if ((ts.isFunctionDeclaration(fn) || ts.isMethodDeclaration(fn)) && fn.name) return `\`${fn.name.getText()}()\``;
  if (ts.isConstructorDeclaration(fn)) return `\`${fn.parent.name?.text ?? 'class'}\` constructor`;
  const parent = fn.parent;
  if ((ts.isVariableDeclaration(parent) || ts.isPropertyAssignment(parent)) && ts.isIdentifier(parent.name)) {
    return `\`${parent.name.text}()\``;
  }
  return 'an inline callback';
}
