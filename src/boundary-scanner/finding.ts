/**
 * What the boundary scanner reports. A finding is one anti-pattern at one
 * place; the message says what goes wrong at runtime and what to write instead,
 * so the text output stands on its own in CI logs.
 */

/** Stable rule ids: they appear in CI output and in `--json` consumers. */
export type RuleId =
  | 'entity-param-in-processor'
  | 'entity-in-job-data'
  | 'orm-import-in-worker'
  | 'global-em-in-processor'
  | 'unpopulated-relation-access';

export type Finding = {
  /** Path relative to the scanned root, posix separators. */
  file: string;
  /** 1-based line of the offending node. */
  line: number;
  rule: RuleId;
  /** One line: the problem and the fix. */
  message: string;
};
