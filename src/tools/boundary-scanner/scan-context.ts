/**
 * Everything the rules share, computed once per scan. A rule is a plain
 * function from this context to findings, so each can be read (and tested)
 * on its own.
 */
import type ts from 'typescript';
import type { EntityScope } from './entity-lookup.js';
import type { Finding } from './finding.js';
import type { ReachedFunction } from './processor-reach.js';
import type { WorkerDiscovery } from './worker-discovery.js';

export interface ScanContext extends EntityScope {
  workers: WorkerDiscovery;
  /** Functions that run with a BullMQ job in hand, keyed by their node. */
  reached: ReadonlyMap<ts.Node, ReachedFunction>;
}

export type Rule = (context: ScanContext) => Finding[];

/** Shortens source text for a one-line message. */
export function snippet(node: ts.Node, max = 60): string {
  const text = node.getText().replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
