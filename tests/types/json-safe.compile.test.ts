/**
 * The type tests in json-safe.types.ts are real: this compiles them with the
 * TypeScript compiler API, (1) as they are — no error —, (2) against a
 * weakened `JsonSafe<T> = T` served in memory in place of
 * src/dto/json-safe.ts — every `@ts-expect-error` becomes unused, so CI's
 * `npm run typecheck` would fail —, and (3) compiles small scratch files to
 * show what a user sees: the message names the path and the problem.
 */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '../..');
const typesFile = path.join(root, 'tests/types/json-safe.types.ts');
const jsonSafeFile = path.join(root, 'src/dto/json-safe.ts');
const scratchFile = path.join(root, 'tests/types/__scratch__.ts');

function compilerOptions(): ts.CompilerOptions {
  const configPath = path.join(root, 'tsconfig.json');
  const { config } = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  return ts.parseJsonConfigFileContent(config, ts.sys, root).options;
}

let previous: ts.Program | undefined;

/** Compiles `entry`, with some files' contents replaced in memory; returns the diagnostics of `entry`. */
function compile(entry: string, overrides: Record<string, string> = {}): string[] {
  const options = compilerOptions();
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => overrides[path.resolve(file)] ?? readFile(file);
  host.fileExists = (
    (exists) => (file: string) =>
      path.resolve(file) in overrides || exists(file)
  )(host.fileExists.bind(host));
  const program = ts.createProgram({ rootNames: [entry], options, host, ...(previous ? { oldProgram: previous } : {}) });
  previous = program;
  const source = program.getSourceFile(entry)!;
  return [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)].map((d) => {
    const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line + 1;
    return `${line}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

describe('JsonSafe type tests', () => {
  it('compile cleanly as they are', () => {
    expect(compile(typesFile)).toEqual([]);
  });

  it('fail when the guard is weakened: every @ts-expect-error becomes unused', () => {
    const expectations = readFileSync(typesFile, 'utf8')
      .split('\n')
      .filter((line) => line.includes('// @ts-expect-error')).length;
    const weakened = readFileSync(jsonSafeFile, 'utf8').replace(
      /export type JsonSafe<T, Root extends string = 'value'> =[^;]+;/,
      "export type JsonSafe<T, Root extends string = 'value'> = T;",
    );
    expect(weakened).toContain("Root extends string = 'value'> = T;");
    const errors = compile(typesFile, { [jsonSafeFile]: weakened });
    const unused = errors.filter((e) => e.includes("Unused '@ts-expect-error' directive"));
    // Array-as-metadata is refused by JsonSafeObject's own check, which stays.
    expect(unused.length).toBeGreaterThanOrEqual(expectations - 1);
    expect(expectations).toBeGreaterThan(30);
  });

  it('says which path is not JSON and why, in the public APIs', () => {
    const scratch = `
      import type { ControlPlane } from '../../src/control-plane/control-plane.js';
      import type { MotivationalState } from '../../src/control-plane/entities/index.js';
      import { TaskSpawnContextV1 } from '../../src/dto/index.js';
      import { defineWorkflow } from '../../src/workers/workflows/workflow.js';
      declare const cp: ControlPlane;
      declare const state: MotivationalState;
      export const spawned = cp.spawn([], { metadata: { owner: state } });
      export const wf = defineWorkflow({
        name: 'scratch',
        motivationTypes: ['scratch'],
        input: TaskSpawnContextV1.pick({ taskId: true }),
        run: ({ taskId }) => ({ taskId, at: new Date() }),
      });
    `;
    const errors = compile(scratchFile, { [scratchFile]: scratch });
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(
      /^8: .*'owner' does not exist in type 'NotJsonSafe<"metadata\.owner: a MikroORM entity is not plain JSON \(copy the fields you need into a DTO\)">'/,
    );
    expect(errors[1]).toMatch(/^13: .*NotJsonSafe<"output\.at: a Date is not plain JSON \(send an ISO string; the schema turns it back into a Date\)">/);
  });

  it('accepts the same calls with plain data', () => {
    const scratch = `
      import type { ControlPlane } from '../../src/control-plane/control-plane.js';
      import { TaskSpawnContextV1 } from '../../src/dto/index.js';
      import { defineWorkflow } from '../../src/workers/workflows/workflow.js';
      declare const cp: ControlPlane;
      export const spawned = cp.spawn([], { metadata: { owner: { id: 1, name: 'Ada' } } });
      export const wf = defineWorkflow({
        name: 'scratch',
        motivationTypes: ['scratch'],
        input: TaskSpawnContextV1.pick({ taskId: true }),
        run: ({ taskId }) => ({ taskId, at: new Date().toISOString() }),
      });
    `;
    expect(compile(scratchFile, { [scratchFile]: scratch })).toEqual([]);
  });
});
