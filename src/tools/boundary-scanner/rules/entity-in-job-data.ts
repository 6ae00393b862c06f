/**
 * Rule `entity-in-job-data`: an entity (or something containing one) is put
 * into BullMQ job data — `queue.add(name, data)`, `queue.addBulk([{ data }])`,
 * `flowProducer.add({ data, children })`, or a project `spawn(...)` helper.
 *
 * BullMQ stores job data with JSON.stringify: the worker receives a detached
 * copy — relations become bare ids or are missing, identity is lost, and any
 * change to it is never flushed. Send ids and plain fields (a DTO) instead.
 */
import ts from 'typescript';
import { containedEntities, returnedByMapCallback } from '../contained-entities.js';
import type { Finding } from '../finding.js';
import { optionValue } from '../relation-options.js';
import { findingAt } from '../scanned-project.js';
import { type ScanContext, snippet } from '../scan-context.js';
import { calleeName, declarationsOf, forEachDescendant, skipOuterExpressions } from '../symbols.js';

/** A file can enqueue only if its text names one of the enqueueing calls. */
const ENQUEUEING_TEXT = /\.add(Bulk)?\b|\bspawn\b/;

export function checkEntityInJobData(context: ScanContext): Finding[] {
  const findings: Finding[] = [];
  for (const sourceFile of context.project.sourceFiles) {
    if (!ENQUEUEING_TEXT.test(sourceFile.text)) continue; // most files enqueue nothing: skip the walk
    forEachDescendant(sourceFile, (node) => {
      if (!ts.isCallExpression(node)) return;
      for (const value of jobDataOf(context, node)) {
        for (const { node: holder, entity } of containedEntities(context, value)) {
          findings.push(
            findingAt(
              context.project,
              holder,
              'entity-in-job-data',
              `\`${snippet(holder, 40)}\` puts entity ${entity.name} into job data of \`${snippet(node.expression, 40)}()\`; ` +
                'BullMQ stores it as JSON, so the worker gets a detached copy (no relations, changes never flushed) — send ids and plain fields (a DTO) instead',
            ),
          );
        }
      }
    });
  }
  return findings;
}

/** The data expressions a call enqueues, or none when it is not an enqueueing call. */
function jobDataOf(context: ScanContext, call: ts.CallExpression): ts.Expression[] {
  const callee = call.expression;
  const name = calleeName(callee);
  const args = call.arguments;
  if (name === 'spawn') return [...args];
  if (!ts.isPropertyAccessExpression(callee)) return [];
  const [first, second] = args;
  if (name === 'add' && first && second && isQueueLike(context, callee.expression, first)) return [second];
  if (name === 'add' && first && args.length === 1) return flowData(first); // FlowProducer.add(flow)
  if (name === 'addBulk' && first) return bulkJobs(first).flatMap(jobObjectData);
  return [];
}

/**
 * `Queue.add(name, data)` — told apart from `Collection.add(a, b)` or
 * `Set.add(x)` by the receiver (named like a queue, or declared as `new Queue`
 * / `: Queue`) or by a job name written as a string.
 */
function isQueueLike(context: ScanContext, receiver: ts.Expression, jobName: ts.Expression): boolean {
  if (ts.isStringLiteralLike(jobName) || ts.isTemplateExpression(jobName)) return true;
  const name = calleeName(receiver);
  if (!name) return false;
  if (/queue/i.test(name)) return true;
  const target = ts.isPropertyAccessExpression(receiver) ? receiver.name : receiver;
  return declarationsOf(context.project, target).some((declaration) => {
    const { type, initializer } = declaration as { type?: ts.TypeNode; initializer?: ts.Expression };
    if (type && ts.isTypeReferenceNode(type) && /Queue$/.test(type.typeName.getText())) return true;
    const init = initializer && skipOuterExpressions(initializer);
    return !!init && ts.isNewExpression(init) && /Queue$/.test(init.expression.getText());
  });
}

/** `[{ name, data }, ...]` or `items.map((i) => ({ name, data }))`. */
function bulkJobs(argument: ts.Expression): ts.Expression[] {
  const node = skipOuterExpressions(argument);
  if (ts.isArrayLiteralExpression(node)) return node.elements.map((e) => (ts.isSpreadElement(e) ? e.expression : e));
  if (ts.isCallExpression(node)) return returnedByMapCallback(node);
  return [];
}

function jobObjectData(job: ts.Expression): ts.Expression[] {
  const node = skipOuterExpressions(job);
  if (!ts.isObjectLiteralExpression(node)) return [];
  return optionValue(node, 'queueName') ? flowData(node) : [optionValue(node, 'data')].filter((d) => d !== undefined);
}

/** A FlowProducer flow: its `data` and, recursively, its `children`' data. */
function flowData(flow: ts.Expression): ts.Expression[] {
  const node = skipOuterExpressions(flow);
  if (!ts.isObjectLiteralExpression(node) || !optionValue(node, 'queueName')) return [];
  const data = optionValue(node, 'data');
  const children = optionValue(node, 'children');
  return [...(data ? [data] : []), ...(children ? bulkJobs(children).flatMap(flowData) : [])];
}
