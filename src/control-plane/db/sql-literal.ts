/**
 * Large text values inlined into a statement as SQL literals, escaped with
 * two native `replaceAll`s.
 *
 * Why: MikroORM never sends bind parameters to PostgreSQL; it formats every
 * parameter into the statement's text (`Platform.formatQuery`), escaping
 * strings one character at a time (`escapeLiteral`). For the hot statements
 * — a spawn's payloads, a recorder batch's outcomes, hundreds of kilobytes of
 * JSON each — that loop was a measurable share of the control plane's CPU
 * (bench/RESULTS.md). `formatQuery` leaves a statement with no parameters
 * untouched, so `inlineJson` builds the whole statement itself.
 *
 * Safety: the literal is always the escape-string form `E'…'` with both `\`
 * and `'` doubled, which PostgreSQL reads the same whatever
 * `standard_conforming_strings` says; JSON text never holds a raw NUL or
 * control character (JSON.stringify writes them as `\u0000`). A statement
 * built here must not also take `?` parameters: `formatQuery` would look for
 * placeholders inside the literal, so `statementWithJson` refuses them.
 */

/** `text` as a PostgreSQL escape-string literal. */
export function sqlTextLiteral(text: string): string {
  return `E'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/**
 * A statement whose `?::json` placeholders (exactly as many as `values`) are
 * replaced by JSON literals of the values, in order. Pass the result to
 * `em.execute(sql)` with no parameters.
 */
export function statementWithJson(template: string, values: readonly unknown[]): string {
  const parts = template.split('?::json');
  if (parts.length !== values.length + 1) {
    throw new TypeError(`statementWithJson: ${parts.length - 1} "?::json" placeholder(s) for ${values.length} value(s)`);
  }
  if (parts.some((part) => part.includes('?'))) throw new TypeError('statementWithJson: the statement may take no other "?" parameters');
  let sql = parts[0]!;
  values.forEach((value, i) => {
    sql += `${sqlTextLiteral(JSON.stringify(value))}::json${parts[i + 1]}`;
  });
  return sql;
}

const UUID_OR_INTEGER = /^(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|-?\d{1,19})$/;

/**
 * A PostgreSQL array literal of ids (`'{a,b,c}'`) to inline into a statement
 * that takes no other parameters. Every value must be a uuid or an integer,
 * checked here, so nothing in it needs escaping. For id lists that can be
 * long (a progress display's 100,000 run ids): bound as a parameter, such a
 * list went through MikroORM's per-character escaping, which built one
 * string fragment per character — 32 bytes of heap per byte of text, a
 * 120 MB spike for 100,000 uuids.
 */
export function sqlIdArrayLiteral(values: readonly (string | number)[]): string {
  for (const value of values) {
    if (!UUID_OR_INTEGER.test(String(value))) throw new TypeError(`sqlIdArrayLiteral: ${JSON.stringify(value)} is not a uuid or an integer`);
  }
  return `'{${values.join(',')}}'`;
}
