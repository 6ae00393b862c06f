/**
 * A cheap look at untrusted job data before any schema parses it. Job data
 * can be written into Redis by anyone who reaches it, so the worker must not
 * trust its shape:
 * - keys like `__proto__` survive `JSON.parse` as own properties, and code
 *   that copies them (`out[key] = value`, as schema parsers do) changes the
 *   copy's prototype — prototype pollution;
 * - thousands of nested arrays make recursive parsers overflow the stack,
 *   which would surface as a `RangeError`, not as a clear refusal.
 * The walk is iterative, so it cannot overflow itself.
 */

/** Refused anywhere in a payload: `__proto__`, and `constructor` holding a `prototype` (the two pollution paths). */
function isPollutionKey(key: string, value: unknown): boolean {
  if (key === '__proto__') return true;
  return key === 'constructor' && value !== null && typeof value === 'object' && Object.hasOwn(value, 'prototype');
}

/** Deepest nesting accepted, counting the envelope itself. */
export const MAX_PAYLOAD_DEPTH = 32;

/** Returns why `value` is refused, or null when its shape is harmless. */
export function findHostileShape(value: unknown, maxDepth = MAX_PAYLOAD_DEPTH): string | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: '(root)', depth: 0 }];
  while (stack.length > 0) {
    const { value: current, path, depth } = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) return `payload nested deeper than ${maxDepth} levels (at ${path})`;
    if (Array.isArray(current)) {
      current.forEach((item, index) => stack.push({ value: item, path: `${path}[${index}]`, depth: depth + 1 }));
      continue;
    }
    for (const key of Object.keys(current)) {
      const child = (current as Record<string, unknown>)[key];
      if (isPollutionKey(key, child)) return `forbidden key "${key}" at ${path} (prototype pollution)`;
      stack.push({ value: child, path: `${path}.${key}`, depth: depth + 1 });
    }
  }
  return null;
}
