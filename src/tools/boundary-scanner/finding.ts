/**
 * What the boundary scanner reports. A finding is one anti-pattern at one
 * place; the message says what goes wrong at runtime and what to write instead,
 * so the text output stands on its own in CI logs.
 *
 * Two kinds: a *defect* breaks at run time in any design (an entity in job
 * data, a shared EntityManager in concurrent jobs) and is an error; a *policy*
 * finding breaks only nyx's own rule that workers run without the ORM
 * (`orm-import-in-worker`) — an in-process NestJS processor that loads the ORM
 * is a design choice there, not a bug — so it is a warning unless `--strict`.
 * `entity-param-in-processor` is a defect when the processor holds no
 * EntityManager (the entity can only be a JSON copy from job data) and policy
 * when it does (it may pass entities it loaded in its own fork).
 */

/** Stable rule ids: they appear in CI output and in `--json` consumers. */
export type RuleId =
  | 'entity-param-in-processor'
  | 'entity-in-job-data'
  | 'orm-import-in-worker'
  | 'global-em-in-processor'
  | 'unpopulated-relation-access'
  | 'allow-global-context';

export type Severity = 'error' | 'warning';

export type FindingKind = 'defect' | 'policy';

export type Finding = {
  /** Path relative to the scanned root, posix separators. */
  file: string;
  /** 1-based line of the offending node. */
  line: number;
  rule: RuleId;
  /** `error` for defects; `warning` for policy findings, `error` with `--strict`. */
  severity: Severity;
  kind: FindingKind;
  /** One line: the problem and the fix. */
  message: string;
};

const POLICY_RULES: ReadonlySet<RuleId> = new Set(['orm-import-in-worker']);

export function kindOf(rule: RuleId): FindingKind {
  return POLICY_RULES.has(rule) ? 'policy' : 'defect';
}

export function severityOf(kind: FindingKind, strict: boolean): Severity {
  return strict || kind === 'defect' ? 'error' : 'warning';
}
