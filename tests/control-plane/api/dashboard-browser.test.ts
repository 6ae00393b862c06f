/**
 * The dashboard in a real browser (Debian's Chromium driven by
 * playwright-core): with the token as basic-auth password it shows the
 * deployment's queues and a job that a real worker process completed;
 * without credentials the server answers 401 and shows nothing.
 * Screenshots go to test-output/ (gitignored).
 *
 * Without Chromium the file is skipped, visibly and naming the command that
 * installs it, so `npm test` passes on a fresh machine; under CI=true a
 * missing Chromium fails instead (`.ci/run` installs it, so CI always runs it).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { WorkerPool } from '../../../src/tools/demo/worker-pool.js';
import { SHARED_REDIS_URL } from '../../support/test-redis.js';
import { waitFor } from '../../support/wait-for.js';
import { startTestService, TEST_TOKEN, type TestService } from './support/api-harness.js';

/** NYX_TEST_CHROMIUM points elsewhere (a missing path shows the skip). @defaultValue /usr/bin/chromium */
const CHROMIUM = process.env.NYX_TEST_CHROMIUM ?? '/usr/bin/chromium';
const INSTALL = 'apt-get install -y chromium';
const available = existsSync(CHROMIUM);
const required = process.env.CI === 'true';
if (!available && !required) {
  process.stderr.write(`\nskipped tests/control-plane/api/dashboard-browser.test.ts: ${CHROMIUM} is missing; install it with: ${INSTALL}\n\n`);
}
const describeBrowser = available || required ? describe : describe.skip;
const OUTPUT = 'test-output';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

describeBrowser(available ? 'dashboard in Chromium' : `dashboard in Chromium (${CHROMIUM} is missing: ${INSTALL})`, () => {
  let t: TestService;
  let pool: WorkerPool | undefined;
  let browser: Browser | undefined;
  let runId: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (CI=true: the browser test must run): ${INSTALL}`);
    mkdirSync(OUTPUT, { recursive: true });
    t = await startTestService();
    const state = await t.api.request('POST', '/states', { body: { motivationType: 'curiosity', intensity: 0.8 } });
    const task = await t.api.request('POST', '/tasks', {
      body: {
        motivationalStateId: state.body.id,
        generatedPrompt: 'Explore how tidal forces shape coastal ecosystems.',
        taskPriority: 1,
        arbitrationScore: 0.9,
        spawn: true,
      },
    });
    runId = task.body.run.runId;
    pool = await WorkerPool.start({ count: 1, env: { ...process.env, REDIS_URL: SHARED_REDIS_URL, NYX_QUEUE_PREFIX: t.prefix, LOG_LEVEL: 'silent' } });
    await waitFor('run completed', async () => (await t.api.request('GET', `/runs/${runId}`)).body.status === 'completed', 30_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS, timeout: 30_000 });
  });

  afterAll(async () => {
    await browser?.close();
    await pool?.stop();
    await t?.close();
  });

  it('with the token as basic-auth password: the queues, and the completed job', async () => {
    const context = await browser!.newContext({ httpCredentials: { username: 'admin', password: TEST_TOKEN }, viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    try {
      const response = await page.goto(`${t.service.url}/admin/queues`, { waitUntil: 'domcontentloaded' });
      expect(response?.status()).toBe(200);
      for (const queue of ['workflows', 'results', 'dead-letters']) {
        await page.getByText(queue, { exact: true }).first().waitFor({ timeout: 20_000 });
      }
      // The overview's queue cards arrive from bull-board's JSON API after the page: wait for them.
      await page.getByText('Loading...').first().waitFor({ state: 'hidden', timeout: 20_000 });
      await page.screenshot({ path: `${OUTPUT}/dashboard-overview.png`, fullPage: true });

      await page.goto(`${t.service.url}/admin/queues/queue/workflows?status=completed`, { waitUntil: 'domcontentloaded' });
      // The job card shows its id; the completed job's return value includes the workflow's output.
      await page.getByText(runId.slice(0, 8)).first().waitFor({ timeout: 20_000 });
      await page.screenshot({ path: `${OUTPUT}/dashboard-completed-job.png`, fullPage: true });
      const text = await page.locator('body').innerText();
      expect(text).toContain(runId.slice(0, 8));
      expect(text.toLowerCase()).toContain('completed');
      expect(statSync(`${OUTPUT}/dashboard-completed-job.png`).size).toBeGreaterThan(10_000);

      // A change made from the dashboard's own page (what its buttons do) passes the cross-site guard.
      const workflows = t.service.controlPlane.queue('workflows');
      const paused = await page.evaluate(async () => (await fetch('api/queues/workflows/pause', { method: 'PUT' })).status);
      expect(paused).toBeLessThan(300);
      expect(await workflows.isPaused()).toBe(true);
      await page.evaluate(async () => (await fetch('api/queues/workflows/resume', { method: 'PUT' })).status);
      expect(await workflows.isPaused()).toBe(false);
    } finally {
      await context.close();
    }
  });

  it('without credentials: 401 with a Basic challenge, and no dashboard', async () => {
    const context = await browser!.newContext();
    const page = await context.newPage();
    try {
      const seen: { status: number; challenge: string | undefined }[] = [];
      page.on('response', (response) => {
        if (response.url().endsWith('/admin/queues')) seen.push({ status: response.status(), challenge: response.headers()['www-authenticate'] });
      });
      // Headless Chromium has nobody to type a password into the prompt: it gives up on the navigation.
      const navigation = await page.goto(`${t.service.url}/admin/queues`, { waitUntil: 'domcontentloaded' }).then(
        (response) => ({ status: response?.status(), error: null }),
        (error: Error) => ({ status: undefined, error: error.message }),
      );
      expect(seen[0]).toEqual({ status: 401, challenge: 'Basic realm="nyx dashboard", charset="UTF-8"' });
      if (navigation.error) expect(navigation.error).toMatch(/ERR_INVALID_AUTH_CREDENTIALS/);
      else expect(navigation.status).toBe(401);
      const text = await page
        .locator('body')
        .innerText()
        .catch(() => '');
      expect(text).not.toContain('dead-letters');
      await page.screenshot({ path: `${OUTPUT}/dashboard-refused.png` });
    } finally {
      await context.close();
    }
  });

  it('with a wrong password: 401', async () => {
    const context = await browser!.newContext({ httpCredentials: { username: 'admin', password: 'not-the-admin-token' } });
    const page = await context.newPage();
    try {
      const response = await page.goto(`${t.service.url}/admin/queues`, { waitUntil: 'domcontentloaded' });
      expect(response?.status()).toBe(401);
    } finally {
      await context.close();
    }
  });
});
