/** Small deterministic text helpers shared by the built-in workflows. */

const STOP_WORDS = new Set(
  (
    'a an and are as at be by for from has have how i in into is it its of on or our so that the their then this to ' +
    'was we were what when which who will with you your can should could would about after before more most some such ' +
    'than too very just also not no do does did up out over under again each all any both few other own same only'
  ).split(' '),
);

export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(/[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []).filter((w) => !STOP_WORDS.has(w) && w.length > 2);
}

/** The `limit` most frequent words; ties broken by first appearance, so the result is deterministic. */
export function topKeywords(text: string, limit: number): { word: string; count: number }[] {
  const counts = new Map<string, { count: number; first: number }>();
  tokenize(text).forEach((word, index) => {
    const entry = counts.get(word);
    if (entry) entry.count += 1;
    else counts.set(word, { count: 1, first: index });
  });
  return [...counts.entries()]
    .sort(([, a], [, b]) => b.count - a.count || a.first - b.first)
    .slice(0, limit)
    .map(([word, { count }]) => ({ word, count }));
}

/**
 * At most `max` characters, counted and cut by code points: a cut never
 * falls inside a surrogate pair, so the result is always valid Unicode (a
 * lone surrogate is text PostgreSQL cannot store).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const codePoints = Array.from(text);
  if (codePoints.length <= max) return text;
  return `${codePoints
    .slice(0, max - 1)
    .join('')
    .trimEnd()}…`;
}
