/**
 * The dependency rule of .dependency-cruiser.cjs is written by side, not by
 * folder: a worker or shared file in a folder the rule never heard of that
 * reaches the ORM or control-plane code fails the check, and control-plane
 * code may use the ORM. Runs the real dependency-cruiser on a small tree laid
 * out like src/, inside the repository (so node_modules resolves), removed
 * afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const repo = path.resolve('.');
const tree = path.join(repo, `.boundary-rule-${randomUUID()}`);
const depcruise = path.join(repo, 'node_modules/.bin/depcruise');

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(path.join(tree, file)), { recursive: true });
  fs.writeFileSync(path.join(tree, file), text);
}

function cruise(dir: string): { status: number | null; output: string } {
  const result = spawnSync(depcruise, [dir, '--config', path.join(repo, '.dependency-cruiser.cjs'), '--output-type', 'err'], {
    cwd: tree,
    encoding: 'utf8',
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('the side-based dependency rule', () => {
  beforeAll(() => {
    write('tsconfig.json', JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' } }));
    write('src/workers/brand-new-folder/bad.ts', "import { MikroORM } from '@mikro-orm/core';\nexport const orm = MikroORM;\n");
    write('src/shared/brand-new/helper.ts', "import { x } from '../../control-plane/thing.js';\nexport const y = x;\n");
    write('src/control-plane/thing.ts', "import { MikroORM } from '@mikro-orm/core';\nexport const x = MikroORM;\n");
    write('src/workers/fine.ts', "import { z } from 'zod';\nexport const s = z.string();\n");
  });

  afterAll(() => {
    fs.rmSync(tree, { recursive: true, force: true });
  });

  it('fails on a worker file, in a folder no rule names, that imports the ORM', () => {
    const { status, output } = cruise('src/workers/brand-new-folder');
    expect(status).not.toBe(0);
    expect(output).toContain('worker-and-shared-no-orm');
    expect(output).toContain('src/workers/brand-new-folder/bad.ts');
  });

  it('fails on shared code that reaches control-plane code', () => {
    const { status, output } = cruise('src/shared');
    expect(status).not.toBe(0);
    expect(output).toContain('worker-and-shared-no-control-plane');
    expect(output).toContain('src/shared/brand-new/helper.ts');
  });

  it('lets the control plane use the ORM, and workers use zod', () => {
    expect(cruise('src/control-plane').status).toBe(0);
    expect(cruise('src/workers/fine.ts').status).toBe(0);
  });
});
