/**
 * A PostgreSQL array literal (`{a,b,c}`) for `= any(?::uuid[])` and friends:
 * one bound parameter however many values, so a statement's text (and plan)
 * does not grow with the batch. Only for values that need no quoting — ids
 * (uuids, integers) — which is all the control plane passes.
 */
export function pgArrayLiteral(values: readonly (string | number)[]): string {
  return `{${values.join(',')}}`;
}
