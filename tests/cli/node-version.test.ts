/**
 * bin/nyx.js under a Node older than 22.17 (the machines' system Node 20)
 * stops at once with one line naming that node and the pinned one to use,
 * exit 2; under the pinned Node it runs. Real processes.
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const SYSTEM_NODE = '/usr/bin/node';
const systemVersion = existsSync(SYSTEM_NODE) ? execFileSync(SYSTEM_NODE, ['-p', 'process.versions.node'], { encoding: 'utf8' }).trim() : null;
const [major = 0, minor = 0] = (systemVersion ?? '0.0').split('.').map(Number);
const old = systemVersion !== null && (major < 22 || (major === 22 && minor < 17));

describe('bin/nyx.js and the Node version', () => {
  (old ? it : it.skip)(`refuses ${SYSTEM_NODE} (Node ${systemVersion}) in one line, exit 2`, () => {
    const result = spawnSync(SYSTEM_NODE, ['bin/nyx.js', 'runs', 'list'], { encoding: 'utf8', timeout: 30_000 });
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`nyx: needs Node >= 22.17, but ${SYSTEM_NODE} is Node ${systemVersion}`);
    expect(result.stderr).toContain('node_modules/.bin/node');
  });

  it('runs under the pinned Node', () => {
    const result = spawnSync(process.execPath, ['bin/nyx.js', '--help'], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Usage: nyx');
  });
});
