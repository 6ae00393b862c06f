/**
 * `nyx runs <id>` prints exactly what GET /runs/:id answers, and `nyx runs
 * list` what GET /runs answers for the same filters and cursor (real CLI
 * processes against the service's database).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { runNyxCli } from '../support/nyx-cli.js';
import { startTestService, type TestService } from '../control-plane/api/support/api-harness.js';

describe('nyx runs', () => {
  let t: TestService;
  let env: Record<string, string>;
  const runIds: string[] = [];

  beforeAll(async () => {
    t = await startTestService();
    env = { DATABASE_URL: t.db.url };
    const state = await t.api.request('POST', '/states', { body: { motivationType: 'curiosity', intensity: 0.5 } });
    for (const prompt of ['first prompt', 'second prompt', 'third prompt']) {
      const task = await t.api.request('POST', '/tasks', {
        body: { motivationalStateId: state.body.id, generatedPrompt: prompt, taskPriority: 1, arbitrationScore: 0.5, spawn: true },
      });
      runIds.push(task.body.run.runId);
    }
  });

  afterAll(async () => {
    await t?.close();
  });

  it('nyx runs <id> prints the JSON of GET /runs/:id', async () => {
    const { code, stdout } = await runNyxCli(['runs', runIds[0]!], env);
    expect(code).toBe(0);
    const api = await t.api.request('GET', `/runs/${runIds[0]}`);
    expect(JSON.parse(stdout)).toEqual(api.body);
    expect(JSON.parse(stdout)).toMatchObject({ id: runIds[0], taskId: expect.any(String), timings: { runMs: null, totalMs: null } });
  });

  it('nyx runs list pages like GET /runs, with its filters', async () => {
    const first = await runNyxCli(['runs', 'list', '--limit', '2', '--workflow', 'keywords'], env);
    expect(first.code).toBe(0);
    const page1 = JSON.parse(first.stdout);
    expect(page1).toEqual((await t.api.request('GET', '/runs?limit=2&workflow=keywords')).body);
    expect(page1.items.map((r: { id: string }) => r.id)).toEqual([runIds[2], runIds[1]]);
    const second = await runNyxCli(['runs', 'list', '--limit', '2', '--workflow', 'keywords', '--cursor', page1.nextCursor], env);
    const page2 = JSON.parse(second.stdout);
    expect(page2).toEqual({ items: [expect.objectContaining({ id: runIds[0] })], nextCursor: null });
    const none = JSON.parse((await runNyxCli(['runs', 'list', '--status', 'dead'], env)).stdout);
    expect(none).toEqual({ items: [], nextCursor: null });
  });

  it('a bad filter is bad input: exit 2 naming the option', async () => {
    const { code, stderr } = await runNyxCli(['runs', 'list', '--status', 'sleeping'], env);
    expect(code).toBe(2);
    expect(stderr).toContain('--status');
    const limit = await runNyxCli(['runs', 'list', '--limit', '501'], env);
    expect(limit.code).toBe(2);
    expect(limit.stderr).toContain('--limit');
  });
});
