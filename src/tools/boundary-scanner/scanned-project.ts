/**
 * The parsed project: one `ts.Program` over the project's own files, with no
 * lib and no module resolution into packages. The checker is used only to
 * resolve identifiers to declarations *inside* the project (locals, imports
 * between project files); library types stay unresolved on purpose, so the
 * result does not depend on which MikroORM or BullMQ version is installed, or
 * whether anything is installed at all.
 */
import path from 'node:path';
import ts from 'typescript';
import { type Finding, kindOf, type RuleId, severityOf } from './finding.js';

export interface ScannedProject {
  rootDir: string;
  checker: ts.TypeChecker;
  sourceFiles: readonly ts.SourceFile[];
  /** Absolute file names of the project's sources, as `ts.SourceFile.fileName` spells them. */
  fileNames: ReadonlySet<string>;
  /** Package names of the scanned monorepo's own packages; imports from them are the project's code. */
  workspacePackages: ReadonlySet<string>;
}

const COMPILER_OPTIONS: ts.CompilerOptions = {
  noLib: true,
  types: [],
  // Imports between the listed files still bind; nothing else is pulled in.
  noResolve: true,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  target: ts.ScriptTarget.ES2022,
  experimentalDecorators: true,
  // .js/.mjs sources are parsed too (a worker written in JavaScript is still a worker); never checked.
  allowJs: true,
  checkJs: false,
  noEmit: true,
};

export function loadProject(rootDir: string, fileNames: readonly string[], workspacePackages: readonly string[] = []): ScannedProject {
  const host = ts.createCompilerHost(COMPILER_OPTIONS, true);
  // No rule reads JSDoc, and skipping it is the cheapest parse speed-up there is.
  host.jsDocParsingMode = ts.JSDocParsingMode.ParseNone;
  const program = ts.createProgram({ rootNames: fileNames, options: COMPILER_OPTIONS, host });
  const wanted = new Set(fileNames.map((f) => path.resolve(f)));
  const sourceFiles = program.getSourceFiles().filter((sf) => wanted.has(path.resolve(sf.fileName)));
  return {
    rootDir,
    checker: program.getTypeChecker(),
    sourceFiles,
    fileNames: new Set(sourceFiles.map((sf) => sf.fileName)),
    workspacePackages: new Set(workspacePackages),
  };
}

/** Posix path relative to the scanned root, the form findings carry. */
export function relativeFile(project: ScannedProject, fileName: string): string {
  return path.relative(project.rootDir, fileName).split(path.sep).join('/');
}

/** 1-based line where the node's own text starts (leading comments excluded). */
export function lineOf(node: ts.Node): number {
  const sf = node.getSourceFile();
  return sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1;
}

/** `file:line` of a node, for pointing from one finding to a related place. */
export function locationOf(project: ScannedProject, node: ts.Node): string {
  return `${relativeFile(project, node.getSourceFile().fileName)}:${lineOf(node)}`;
}

export function findingAt(project: ScannedProject, node: ts.Node, rule: RuleId, message: string, kind = kindOf(rule)): Finding {
  const file = relativeFile(project, node.getSourceFile().fileName);
  return { file, line: lineOf(node), rule, severity: severityOf(kind, false), kind, message };
}

/** `@acme/database` or `@acme/database/entities` when `@acme/database` is one of the scanned packages. */
export function isWorkspaceSpecifier(project: ScannedProject, specifier: string): boolean {
  if (project.workspacePackages.size === 0) return false;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return !!name && project.workspacePackages.has(name);
}

export function isProjectNode(project: ScannedProject, node: ts.Node): boolean {
  return project.fileNames.has(node.getSourceFile().fileName);
}
