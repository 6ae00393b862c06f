/**
 * `nyx dlq` as an operator runs it: a real CLI process against the test's
 * database and Redis prefix, lists and shows dead letters, redrives the run
 * whose cause was fixed (it completes on a worker process), and refuses the
 * one whose payload is still invalid, with the reason and exit code 1.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WORKFLOW_JOB_NAME } from '../../../src/dto/index.js';
import { SHARED_REDIS_URL } from '../../support/test-redis.js';
import { waitFor } from '../../support/wait-for.js';
import { FAULT_WORKFLOWS_MODULE, FaultHarness } from '../../faults/support/fault-harness.js';
import { dispatchByHand } from '../../faults/support/raw-jobs.js';

const run = promisify(execFile);

describe('nyx dlq', () => {
  let h: FaultHarness;
  const dir = mkdtempSync(path.join(tmpdir(), 'nyx-dlq-cli-'));
  const blocker = path.join(dir, 'blocker');
  let fixable: string;
  let invalid: string;

  async function nyx(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = {
      ...process.env,
      DATABASE_URL: h.db.url,
      REDIS_URL: SHARED_REDIS_URL,
      NYX_QUEUE_PREFIX: h.prefix,
      NYX_WORKFLOW_MODULES: FAULT_WORKFLOWS_MODULE,
      LOG_LEVEL: 'silent',
    };
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'dlq', ...args], { env, timeout: 60_000 });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const failed = error as { code: number; stdout: string; stderr: string };
      return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
    }
  }

  beforeAll(async () => {
    h = await FaultHarness.open('dlq-cli', { relay: false });
    await h.startWorker();
    // One run dies of a cause that can be fixed, one of a payload no worker reads.
    writeFileSync(blocker, '');
    [fixable] = (await h.spawn({ motivationType: 'test-give-up', metadata: { blockerFile: blocker } })) as [string];
    await h.relayNow();
    [invalid] = (await h.spawn({ motivationType: 'test-sleep', metadata: { sleepMs: 1 } })) as [string];
    const [row] = await dispatchByHand(h.cp.em());
    await h.workflows.add(WORKFLOW_JOB_NAME, { ...(row!.payload as object), v: 99 }, { jobId: invalid, attempts: 3 });
    for (const runId of [fixable, invalid]) {
      await waitFor('the run to be dead with a letter', async () => (await h.run(runId))?.status === 'dead' && (await h.deadLetter(runId)) !== null);
    }
  });

  afterAll(async () => {
    try {
      await h.expectNothingLeftBehind();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await h?.close();
    }
  });

  it('lists and shows dead letters', async () => {
    const listed = await nyx('list', '--json');
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as { runId: string; reason: string; runStatus: string }[];
    expect(rows.map((r) => [r.runId, r.reason, r.runStatus]).sort()).toEqual(
      [
        [fixable, 'unrecoverable error', 'dead'],
        [invalid, 'invalid payload', 'dead'],
      ].sort(),
    );

    // The run's workflow even when the letter could not name it (a payload no worker could read).
    const listedRuns = rows as unknown as { runId: string; workflow: string | null }[];
    for (const runId of [fixable, invalid]) {
      expect(listedRuns.find((r) => r.runId === runId)?.workflow).toBe((await h.run(runId))?.workflow);
    }

    const table = await nyx('list');
    expect(table.stdout).toContain(fixable);
    expect(table.stdout).toContain('2 dead letter(s)');
    // stdout is a pipe here: plain text, no colour codes.
    expect(table.stdout).not.toContain(`${String.fromCharCode(27)}[`);

    const shown = await nyx('show', invalid);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({
      letter: { runId: invalid, reason: 'invalid payload', error: expect.stringContaining('unsupported payload version 99'), payload: { v: 99 } },
      run: { status: 'dead', attempts: 1 },
      jobState: 'failed',
    });

    const unknown = await nyx('show', '00000000-0000-4000-8000-000000000000');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('nyx: no dead letter for run 00000000-0000-4000-8000-000000000000 (see `nyx dlq list`)\n');
  });

  it('redrives a fixed run and leaves an invalid one dead, saying why', async () => {
    const usage = await nyx('redrive');
    expect(usage.code).toBe(2);

    const refused = await nyx('redrive', invalid);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      `nyx: run ${invalid} stays dead: its payload is still invalid against the current schema — unsupported payload version 99 (supported: 1, 2)\n`,
    );

    rmSync(blocker);
    const all = await nyx('redrive', '--all');
    expect(all.code).toBe(1);
    expect(all.stdout).toContain(`redriven\t${fixable}\t→ workflows (after 1 attempt(s))`);
    expect(all.stdout).toContain(`stays dead\t${invalid}\tits payload is still invalid`);
    // The CLI relayed it: a worker completes it.
    await waitFor('the fixed run to complete', async () => (await h.run(fixable))?.status === 'completed');
    expect((await h.run(invalid))!.status).toBe('dead');
  });
});
